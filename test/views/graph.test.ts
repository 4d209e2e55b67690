// graph(): scopes from names, nesting of tfjs models, edges mapped to what is visible, ResNet-18 at first look,
// markup in names inert.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf } from "../../src/backend";
import { SummaryWriter, models } from "../../src/index";
import { graph, graphDefData, layersModelData, topLevel, defaultExpanded } from "../../src/views/graph";
import { drawGraph } from "../../src/views/graph-draw";
import { toMimeBundle } from "../../src/display";

const dagre = require("@dagrejs/dagre");

test("nesting: a functional model holding a tf.sequential becomes a scope fed by what feeds the block", () => {
  const input = tf.input({ shape: [4], name: "x" });
  const block = tf.sequential({
    name: "block",
    layers: [
      tf.layers.dense({ units: 3, inputShape: [4], name: "d1" }),
      tf.layers.dense({ units: 2, name: "d2" }),
    ],
  });
  const out = tf.layers.dense({ units: 1, name: "head" }).apply(block.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out, name: "m" });
  const data = layersModelData(model);
  // Hand-computed: x feeds block/d1, d1 feeds d2, and the head is fed by the block's output layer d2.
  assert.deepEqual(data.nodes.map((n) => [n.name, n.op, n.inputs.join(","), n.shape]).sort(), [
    ["block/d1", "Dense", "x", "[?, 3]"],
    ["block/d2", "Dense", "block/d1", "[?, 2]"],
    ["head", "Dense", "block/d2", "[?, 1]"],
    ["x", "InputLayer", "", "[?, 4]"],
  ]);
  assert.deepEqual(topLevel(data, []).sort(), ["block", "head", "x"]);
  assert.deepEqual(topLevel(data, ["block"]).sort(), ["block/d1", "block/d2", "head", "x"]);
  model.dispose();
});

test("GraphDef scopes: edges between collapsed scopes, shapes on edges, a single wrapper scope opened", async () => {
  const node = (name: string, op: string, input: string[], dims?: number[]) => ({
    name,
    op,
    input,
    ...(dims
      ? { attr: { _output_shapes: { list: { shape: [{ dim: dims.map((size) => ({ size })) }] } } } }
      : {}),
  });
  const data = graphDefData({
    node: [
      node("net/in", "Placeholder", [], [-1, 8]),
      node("net/enc/fc/MatMul", "MatMul", ["net/in", "net/enc/fc/w"], [-1, 4]),
      node("net/enc/fc/w", "Const", []),
      node("net/enc/relu", "Relu", ["net/enc/fc/MatMul:0"], [-1, 4]),
      node("net/dec/out", "MatMul", ["net/enc/relu", "^net/in"], [-1, 2]),
    ],
  });
  assert.deepEqual(defaultExpanded(data), ["net"], "the one top-level scope is opened, as TensorBoard does");
  assert.deepEqual(topLevel(data, ["net"]).sort(), ["net/dec", "net/enc", "net/in"]);
  assert.deepEqual(data.nodes.find((n) => n.name === "net/enc/relu")!.inputs, ["net/enc/fc/MatMul"]);
  const svg = drawGraph(data, ["net"], dagre);
  // Visible: in, enc (3 nodes), dec (1 node); edges in→enc, enc→dec, in→dec (the control input).
  assert.match(svg, /\+ enc<\/text><text[^>]*>3 nodes/);
  assert.equal((svg.match(/marker-end/g) ?? []).length, 3);
  assert.match(svg, />\[\?, 8\]</, "the input's shape labels its edge");
  const open = drawGraph(data, ["net", "net/enc"], dagre);
  assert.match(open, /class="cluster" data-scope="net\/enc"/);
  assert.match(
    open,
    /data-scope="net\/enc\/fc"[^>]*><rect[^>]*\/><text[^>]*>\+ fc</,
    "fc stays a box inside enc",
  );
  assert.match(drawGraph(data, ["net", "net/enc", "net/enc/fc"], dagre), />MatMul</);
});

test("names are inert in the SVG and in the live HTML", async () => {
  const nasty = `a/<script>alert(1)</script>`;
  const view = graph({
    modelTopology: {
      node: [
        { name: nasty, op: "</script><b>", input: [] },
        { name: "b", op: "X", input: [nasty] },
      ],
    },
  });
  const bundle = await toMimeBundle(view);
  assert.ok(!String(bundle["image/svg+xml"]).includes("<script"));
  const html = String(bundle["text/html"]);
  assert.equal((html.match(/<script>/g) ?? []).length, 1, "only our own script element");
  assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
});

test("ResNet-18: one box per top-level block at first look, from the model and from addGraph", async () => {
  const model = models.resnet18({ inputShape: [32, 32, 3], classes: 10 });
  const expectTop = [
    "input",
    "conv1",
    "bn1",
    "relu",
    "maxpool",
    "layer1",
    "layer2",
    "layer3",
    "layer4",
    "avgpool",
    "fc",
  ];
  const direct = graph(model);
  assert.deepEqual(topLevel(direct.data, direct.expanded).sort(), [...expectTop].sort());
  const svg = await direct.toSvg();
  for (const block of ["layer1", "layer2", "layer3", "layer4"])
    assert.match(svg, new RegExp(`\\+ ${block}<`));
  const dir = mkdtempSync(join(tmpdir(), "ts-graph-"));
  try {
    const writer = new SummaryWriter(dir);
    writer.addGraph(model);
    writer.close();
    const logged = graph(dir);
    assert.deepEqual(topLevel(logged.data, logged.expanded).sort(), [...expectTop].sort());
    assert.throws(() => graph(join(dir, "nope")), /is not a directory/);
    const empty = new SummaryWriter(join(dir, "empty"));
    empty.addScalar("x", 1, 0);
    empty.close();
    assert.throws(
      () => graph(join(dir, "empty")),
      /graph: no graph \(addGraph \/ add_graph output\) in run\(s\) "\."/,
    );
    assert.throws(() => graph(dir, { run: "zz" }), /graph: no run "zz"; available: "empty", "\."/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
});

test("PyTorch's add_graph output (fixture): IO nodes and module scopes, edges through the scopes", async () => {
  const view = graph(join(__dirname, "..", "fixtures", "events", "pytorch"));
  // torch.nn.Sequential(Linear(4, 3), ReLU()) traced on zeros(1, 4): input → Sequential → output.
  assert.deepEqual(topLevel(view.data, view.expanded).sort(), ["Sequential", "input", "output"]);
  const linear = view.data.nodes.find((n) => n.name === "Sequential/Linear[0]/input")!;
  assert.equal(linear.op, "aten::linear");
  assert.equal(linear.shape, "[1, 3]");
  assert.deepEqual(linear.inputs, [
    "input/input.1",
    "Sequential/Linear[0]/weight/weight",
    "Sequential/Linear[0]/bias/bias",
  ]);
  const svg = await view.toSvg();
  assert.equal((svg.match(/marker-end/g) ?? []).length, 2, "input → Sequential → output");
  assert.match(svg, /\+ Sequential<\/text><text[^>]*>4 nodes/);
  assert.match(drawGraph(view.data, ["Sequential"], dagre), /\+ Linear\[0\]<\/text>/);
});
