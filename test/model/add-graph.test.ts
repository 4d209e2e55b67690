// SummaryWriter.addGraph on a GraphModel writes the model's own GraphDef; TensorBoard's Python loader (the one its
// Graphs dashboard uses) must read back every node with its op, inputs, attributes and edge shapes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, type tf } from "../../src/index";
import { graphOf } from "../../src/model/graph-topology";
import { loadNsfwjs, LAST_CONV } from "./nsfwjs-fixture";

const PYTHON = join(__dirname, "..", "..", ".venv", "bin", "python");

const READ_GRAPH = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
acc = ea.EventAccumulator(sys.argv[1], size_guidance={"graph": 0})
acc.Reload()
graph = acc.Graph()
out = {}
for n in graph.node:
    shapes = [[d.size for d in s.dim] for s in n.attr["_output_shapes"].list.shape]
    out[n.name] = {"op": n.op, "input": list(n.input), "shapes": shapes, "attrs": sorted(n.attr.keys()),
                   "strides": list(n.attr["strides"].list.i), "padding": n.attr["padding"].s.decode(),
                   "fused": [s.decode() for s in n.attr["fused_ops"].list.s], "dtype": n.attr["dtype"].type}
print(json.dumps({"producer": graph.versions.producer, "nodes": out}))
`;

test("addGraph(GraphModel): TensorBoard's loader reads the model's own GraphDef", async () => {
  const g = (await loadNsfwjs("mobilenet_v2_mid")) as tf.GraphModel;
  const dir = mkdtempSync(join(tmpdir(), "tensorscope-graphdef-"));
  try {
    const writer = new SummaryWriter(dir);
    writer.addGraph(g);
    writer.close();
    const read = JSON.parse(execFileSync(PYTHON, ["-c", READ_GRAPH, dir], { encoding: "utf8" })) as {
      producer: number;
      nodes: Record<
        string,
        {
          op: string;
          input: string[];
          shapes: number[][];
          attrs: string[];
          strides: number[];
          padding: string;
          fused: string[];
          dtype: number;
        }
      >;
    };
    const graph = graphOf(g);
    assert.equal(Object.keys(read.nodes).length, Object.keys(graph.nodes).length, "every node");
    assert.equal(read.producer, 175, "the converter's GraphDef version");
    const conv = read.nodes[LAST_CONV];
    assert.equal(conv.op, "_FusedConv2D");
    assert.deepEqual(
      conv.input,
      graph.nodes[LAST_CONV].inputs.map((n) => n.name),
    );
    assert.deepEqual(conv.shapes, [[-1, 7, 7, 1792]], "the batch left open, as the input declares it");
    assert.deepEqual(conv.strides, [1, 1, 1, 1]);
    assert.equal(conv.padding, "SAME");
    assert.deepEqual(conv.fused, ["BiasAdd", "Relu6"]);
    assert.equal(read.nodes.input.op, "Placeholder");
    assert.equal(read.nodes.input.dtype, 1, "DT_FLOAT");
    assert.equal(read.nodes.Identity.op, "Identity");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
