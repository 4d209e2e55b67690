// Model structures beyond a chain: branches, nested models, a layer called twice, several inputs and outputs,
// recurrent layers, frozen layers, GraphModels. Each table is a golden file; the counts are checked by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { models, summary, tf } from "../../src/index";
import { loadTinyGraphModel } from "./graph-fixture";
import { assertGolden } from "./golden";

type Sym = ReturnType<typeof tf.input>;
const call = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
const ALL_COLUMNS = ["inputSize", "outputSize", "numParams", "kernelSize", "multAdds", "trainable"];

/** tfjs.md's example: stem → nested res_block (conv, relu, add skip) → gap and gmp → concat → two heads. */
function nestedTwoHeads(): tf.LayersModel {
  const inner = tf.input({ shape: [8, 8, 4], name: "inner_in" });
  const conv = call(
    tf.layers.conv2d({ name: "inner_conv", filters: 4, kernelSize: 3, padding: "same" }),
    inner,
  );
  const relu = call(tf.layers.reLU({ name: "inner_relu" }), conv);
  const block = tf.model({
    name: "res_block",
    inputs: inner,
    outputs: call(tf.layers.add({ name: "skip" }), [relu, inner]),
  });
  const img = tf.input({ shape: [16, 16, 3], name: "img" });
  const stem = call(
    tf.layers.conv2d({ name: "stem", filters: 4, kernelSize: 3, strides: 2, padding: "same" }),
    img,
  );
  const body = call(block, stem);
  const gap = call(tf.layers.globalAveragePooling2d({ name: "gap" }), body);
  const gmp = call(tf.layers.globalMaxPooling2d({ name: "gmp" }), body);
  const cat = call(tf.layers.concatenate({ name: "cat" }), [gap, gmp]);
  const headA = call(tf.layers.dense({ name: "head_a", units: 3 }), cat);
  const headB = call(tf.layers.dense({ name: "head_b", units: 1, trainable: false }), gap);
  return tf.model({ name: "two_heads", inputs: img, outputs: [headA, headB] });
}

test("branches, a nested model and two outputs", () => {
  const model = nestedTwoHeads();
  const s = summary(model, { columns: ALL_COLUMNS, varNames: true });
  assertGolden("nested-two-heads", s.toString());
  // tfjs' own summary of this model says Total 292, Trainable 287.
  assert.equal(s.totalParams, model.countParams());
  assert.equal(s.totalParams, 292);
  assert.equal(s.trainableParams, 287);
  const rows = s.rows.map((r) => `${"  ".repeat(r.depth)}${r.name}`);
  assert.deepEqual(rows.slice(0, 6), [
    "two_heads",
    "  stem",
    "  res_block",
    "    inner_conv",
    "    inner_relu",
    "    skip",
  ]);
  assert.deepEqual(s.rows[0].outputShapes, [
    [1, 3],
    [1, 1],
  ]);
  // stem: 3·3·3·4 + 4 = 112 weights at 8·8 positions; inner_conv: (3·3·4·4 + 4) · 64; heads: 27 + 5.
  assert.equal(s.totalMultAdds, 112 * 64 + 148 * 64 + 27 + 5);
  model.dispose();
});

test("a layer called twice gets a (recursive) row and its weights count once", () => {
  const shared = tf.layers.dense({ name: "shared", units: 4 });
  const x = tf.input({ shape: [4], name: "x" });
  const y = call(shared, call(tf.layers.reLU({ name: "between" }), call(shared, x)));
  const model = tf.model({ name: "twice", inputs: x, outputs: y });
  const s = summary(model, { columns: ["outputSize", "numParams", "multAdds"] });
  assertGolden("shared-layer", s.toString());
  assert.deepEqual(
    s.rows.map((r) => r.isRecursive),
    [false, false, false, true],
  );
  assert.equal(s.rows[3].shownParams, "recursive");
  assert.equal(s.totalParams, 20);
  // Every call does its work: 2 calls × 20 MACs.
  assert.equal(s.totalMultAdds, 40);
  const hidden = summary(model, { hideRecursiveLayers: true });
  assert.equal(hidden.rows.length, 3);
  model.dispose();
});

test("a nested Sequential called twice: its inner rows repeat as recursive", () => {
  const tower = tf.sequential({
    name: "tower",
    layers: [
      tf.layers.dense({ name: "t1", units: 3, inputShape: [6] }),
      tf.layers.dense({ name: "t2", units: 2 }),
    ],
  });
  const a = tf.input({ shape: [6], name: "a" });
  const b = tf.input({ shape: [6], name: "b" });
  const merged = call(tf.layers.concatenate({ name: "merge" }), [call(tower, a), call(tower, b)]);
  const model = tf.model({ name: "siamese", inputs: [a, b], outputs: merged });
  const s = summary(model, {
    inputSize: [
      [5, 6],
      [5, 6],
    ],
    columns: ["inputSize", "outputSize", "numParams", "multAdds"],
  });
  assertGolden("siamese-two-inputs", s.toString());
  assert.equal(s.totalParams, 6 * 3 + 3 + 3 * 2 + 2);
  assert.equal(s.totalMultAdds, 2 * 5 * (21 + 8));
  assert.equal(s.totals.inputBytes, 2 * 5 * 6 * 4);
  assert.deepEqual(
    s.rows.filter((r) => r.isRecursive).map((r) => r.name),
    ["tower", "t1", "t2"],
  );
  model.dispose();
});

test("recurrent layers over an embedding", () => {
  const model = tf.sequential({
    name: "lstm_net",
    layers: [
      tf.layers.embedding({ name: "embedding", inputDim: 20, outputDim: 30, inputLength: 100 }),
      tf.layers.lstm({ name: "lstm", units: 16, returnSequences: true }),
      tf.layers.gru({ name: "gru", units: 8 }),
      tf.layers.dense({ name: "decoder", units: 20 }),
    ],
  });
  const s = summary(model, { columns: ALL_COLUMNS });
  assertGolden("lstm-net", s.toString());
  const lstm = 4 * (30 * 16 + 16 * 16 + 16);
  const gru = 3 * (16 * 8 + 8 * 8 + 8);
  assert.equal(s.totalMultAdds, 100 * lstm + 100 * gru + (8 * 20 + 20));
  model.dispose();
});

test("an explicit InputLayer in a Sequential gets no row", () => {
  const model = tf.sequential({
    layers: [tf.layers.inputLayer({ inputShape: [4] }), tf.layers.dense({ units: 2 })],
  });
  assert.deepEqual(
    summary(model).rows.map((r) => r.className),
    ["Sequential", "Dense"],
  );
  model.dispose();
});

test("frozen layers print their count in parentheses and count as non-trainable", () => {
  const model = models.smallCnn();
  model.getLayer("conv1").trainable = false;
  const s = summary(model, { columns: ["outputSize", "numParams", "trainable"] });
  assertGolden("small-cnn-frozen-conv1", s.toString());
  assert.equal(s.nonTrainableParams, 3 * 3 * 1 * 16 + 16);
  assert.equal(
    summary(models.smallCnn({ inputShape: [64, 64, 3], head: "gap" }), { depth: 1 }).totalParams,
    3 * 3 * 3 * 16 + 16 + (3 * 3 * 16 * 32 + 32) + (32 * 10 + 10),
  );
  model.dispose();
});

test("VGG-11: torchvision's features and classifier as nested Sequentials", () => {
  const model = models.vgg11({ init: "zeros" });
  const s = summary(model, { depth: 2, columns: ["outputSize", "numParams", "kernelSize", "multAdds"] });
  assertGolden("vgg11", s.toString());
  assert.equal(s.trainableParams, 132_863_336);
  // Every weight once per output position: conv layers at their output size, dense layers once.
  const convs: [number, number, number][] = [
    [3, 64, 224],
    [64, 128, 112],
    [128, 256, 56],
    [256, 256, 56],
    [256, 512, 28],
    [512, 512, 28],
    [512, 512, 14],
    [512, 512, 14],
  ];
  const convMacs = convs.reduce((n, [cin, cout, side]) => n + (9 * cin * cout + cout) * side * side, 0);
  const denseMacs = 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000;
  assert.equal(s.totalMultAdds, convMacs + denseMacs);
  model.dispose();
});

test("GraphModel: one row per node group, shapes from one run that leaves no tensor behind", async () => {
  const model = await loadTinyGraphModel();
  const before = tf.memory().numTensors;
  const s = summary(model, { inputSize: [2, 8, 8, 3], columns: ALL_COLUMNS, varNames: true });
  assert.equal(tf.memory().numTensors, before);
  assertGolden("graph-model", s.toString());
  assert.deepEqual(
    s.rows.map((r) => r.name),
    ["GraphModel", "conv1", "pool", "flatten", "dense", "Identity"],
  );
  assert.equal(s.totalParams, 108 + 4 + 320 + 5);
  assert.equal(s.trainableParams, 0);
  assert.equal(s.totalMultAdds, 2 * (64 * 112 + 325));
  model.dispose();
});
