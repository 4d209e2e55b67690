// graph() on a real converted GraphModel (nsfwjs's MobileNetV2: tfjs-converter output, fused conv nodes, wrapper
// scopes StatefulPartitionedCall/.../predict around the network): readable at the first look (the wrapper chain
// opened, one box per MobileNetV2 block), ops with their shapes (learnt from one run, batch left open), and
// addGraph(model) then graph(logdir) giving the same graph.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, tf, graph } from "../../src/index";
import { topLevel } from "../../src/views/graph";
import { drawGraph } from "../../src/views/graph-draw";
import { loadNsfwjs, MOBILENET_SCOPE, LAST_CONV } from "../model/nsfwjs-fixture";

const dagre = require("@dagrejs/dagre");
const PREDICT = MOBILENET_SCOPE.replace(/\/MobilenetV2$/, "");
const BLOCKS = [
  "Conv",
  "expanded_conv",
  ...Array.from({ length: 16 }, (_, i) => `expanded_conv_${i + 1}`),
  "Conv_1",
];

let g: tf.GraphModel;
before(async () => {
  g = (await loadNsfwjs("mobilenet_v2_mid")) as tf.GraphModel;
});

test("graph(GraphModel): the wrapper scopes open, one box per MobileNetV2 block, shapes on the edges", async () => {
  const before = tf.memory().numTensors;
  const view = graph(g);
  assert.equal(tf.memory().numTensors, before, "the shape probe leaks no tensor");
  // Hand-read from the model.json: the chain StatefulPartitionedCall/sequential/keras_layer/3×SPC/predict/
  // MobilenetV2 holds nearly all the work; MobileNetV2's 19 blocks and its Logits split it.
  assert.equal(view.expanded.at(-1), MOBILENET_SCOPE);
  assert.equal(view.expanded.length, 8);
  const top = topLevel(view.data, view.expanded);
  assert.deepEqual(
    top.sort(),
    [
      "input",
      "Func",
      "Identity",
      "StatefulPartitionedCall/sequential/dense",
      "StatefulPartitionedCall/sequential/prediction",
      `${PREDICT}/hub_input`,
      `${PREDICT}/feature_vector`,
      `${MOBILENET_SCOPE}/Logits`,
      ...BLOCKS.map((b) => `${MOBILENET_SCOPE}/${b}`),
    ].sort(),
  );
  const svg = await view.toSvg();
  for (const block of BLOCKS) assert.match(svg, new RegExp(`>\\+ ${block}<`), block);
  assert.doesNotMatch(svg, />\+ StatefulPartitionedCall</, "the wrapper is not one closed box");
  // Edge shapes: the input as declared, the last conv block's output learnt from a run with the batch left open.
  assert.match(svg, />\[\?, 224, 224, 3\]</);
  assert.match(svg, />\[\?, 7, 7, 1792\]</);
  assert.equal(view.data.nodes.find((n) => n.name === LAST_CONV)!.shape, "[?, 7, 7, 1792]");
  // A block opened: its fused ops drawn with their op names and shapes.
  const block = `${MOBILENET_SCOPE}/expanded_conv_1`;
  const open = drawGraph(
    view.data,
    [...view.expanded, block, `${block}/expand`, `${block}/depthwise`],
    dagre,
  );
  assert.match(open, /class="cluster" data-scope="[^"]*expanded_conv_1"/);
  assert.match(open, />_FusedConv2D</);
  assert.match(open, />FusedDepthwiseConv2dNative</);
  assert.match(open, />\[\?, 112, 112, 144\]</, "expand: 24 channels × 6");
  assert.match(open, />\[\?, 56, 56, 144\]</, "the stride-2 depthwise: 112 → 56");
});

test("addGraph(GraphModel) then graph(logdir): the same nodes, edges, shapes and first look", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-graph-model-"));
  try {
    const writer = new SummaryWriter(dir);
    writer.addGraph(g);
    writer.close();
    const direct = graph(g);
    const logged = graph(dir);
    const key = (n: { name: string; op: string; inputs: string[]; shape: string }) =>
      `${n.name} ${n.op} ${n.inputs.join(",")} ${n.shape}`;
    assert.deepEqual(logged.data.nodes.map(key).sort(), direct.data.nodes.map(key).sort());
    assert.deepEqual(logged.expanded, direct.expanded);
    assert.deepEqual(
      topLevel(logged.data, logged.expanded).sort(),
      topLevel(direct.data, direct.expanded).sort(),
    );
    assert.equal(await logged.toSvg(), await direct.toSvg());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
