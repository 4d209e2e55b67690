// Models with two inputs and two outputs, and a transformer-like model whose layers are token-shaped. Answers
// are computed here independently: model.apply + tf.grads for attributions, model.predict for scores, and for
// token layers the same model's explicit grid layer (a reshape is a pure re-indexing, so the CAMs must agree).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  tf,
  featureMaps,
  GradCAM,
  CAM_METHODS,
  vanillaGradients,
  integratedGradients,
  tokensToGrid,
  inspectModel,
} from "../../src/index";
import { seedWeights } from "../vision/graph-models";

function twoInputModel(): tf.LayersModel {
  const image = tf.input({ shape: [8, 8, 3], name: "image" });
  const meta = tf.input({ shape: [4], name: "meta" });
  const conv = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: "relu", name: "conv" })
    .apply(image) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(conv) as tf.SymbolicTensor;
  const side = tf.layers
    .dense({ units: 4, activation: "tanh", name: "side" })
    .apply(meta) as tf.SymbolicTensor;
  const merged = tf.layers.concatenate({ name: "merge" }).apply([pooled, side]) as tf.SymbolicTensor;
  const classes = tf.layers.dense({ units: 3, name: "classes" }).apply(merged) as tf.SymbolicTensor;
  const extra = tf.layers.dense({ units: 2, name: "extra" }).apply(merged) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [image, meta], outputs: [classes, extra], name: "two_in_two_out" });
  seedWeights(model, 3);
  return model;
}

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test("featureMaps on a two-input model: inputs as a list or a name → tensor map", () => {
  const model = twoInputModel();
  const xa = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 1);
  const xb = tf.randomUniform([2, 4], -1, 1, "float32", 2);
  const start = tf.memory().numTensors;
  const byList = featureMaps(model, "conv", [xa, xb]);
  const byName = featureMaps(model, "conv", { image: xa, meta: xb });
  const expected = tf.tidy(
    () =>
      tf.model({ inputs: model.inputs[0], outputs: model.getLayer("conv").output }).predict(xa) as tf.Tensor,
  );
  assert.equal(maxAbs(byList.activations, expected), 0);
  assert.equal(maxAbs(byName.activations, expected), 0);
  tf.dispose([expected]);
  byList.dispose();
  byName.dispose();
  assert.throws(
    () => featureMaps(model, "conv", xa),
    /has 2 inputs \("image", "meta"\); give a list of tensors/,
  );
  assert.throws(
    () => featureMaps(model, "conv", { image: xa, other: xb }),
    /has no input "other"; its inputs: "image", "meta"/,
  );
  assert.equal(tf.memory().numTensors, start);
  tf.dispose([xa, xb]);
});

test("Grad-CAM on a two-output model: the output picked by index or name, scored as predict() scores it", () => {
  const model = twoInputModel();
  const xa = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 1);
  const xb = tf.randomUniform([2, 4], -1, 1, "float32", 2);
  const [, extra] = model.predict([xa, xb]) as tf.Tensor[];
  const expected = extra.arraySync() as number[][];
  for (const output of [1, "extra"]) {
    const result = new GradCAM(model, { targetLayer: "conv", output }).compute([xa, xb], { targets: [1, 0] });
    assert.deepEqual(result.heatmap.shape, [2, 8, 8]);
    assert.ok(
      Math.abs(result.scores[0] - expected[0][1]) < 1e-5 &&
        Math.abs(result.scores[1] - expected[1][0]) < 1e-5,
    );
    result.dispose();
  }
  assert.throws(
    () => new GradCAM(model, { targetLayer: "conv", output: 2 }),
    /output 2 is outside model "two_in_two_out", which has 2 output\(s\) \(0\.\.1\): "classes", "extra"/,
  );
  assert.throws(
    () => new GradCAM(model, { targetLayer: "side" }),
    /GradCAM: layer "side" outputs \[null,4\], but a CAM needs .*"conv"/,
  );
  for (const [name, Method] of Object.entries(CAM_METHODS)) {
    const [imageName, metaName] = model.inputNames; // a second model's inputs get unique names (image_1)
    const result = new Method(model, { targetLayer: "conv" }).compute({ [imageName]: xa, [metaName]: xb });
    assert.deepEqual(result.heatmap.shape, [2, 8, 8], name);
    result.dispose();
  }
  tf.dispose([xa, xb, extra, ...(model.predict([xa, xb]) as tf.Tensor[])]);
});

test("saliency on a two-input model gives attributions per input, equal to tf.grads by hand", () => {
  const model = twoInputModel();
  const xa = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 1);
  const xb = tf.randomUniform([2, 4], -1, 1, "float32", 2);
  const start = tf.memory().numTensors;
  const result = vanillaGradients(model, [xa, xb], { targets: [2, 0] });
  const [ga, gb] = tf.tidy(() =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const [classes] = model.apply([a, b], { training: false }) as tf.Tensor[];
      return tf.sum(tf.mul(classes, tf.oneHot([2, 0], 3)));
    })([xa, xb]),
  );
  assert.equal(result.inputAttributions.length, 2);
  assert.equal(result.attributions, result.inputAttributions[0]);
  assert.ok(maxAbs(result.inputAttributions[0], ga) < 1e-6);
  assert.ok(maxAbs(result.inputAttributions[1], gb) < 1e-6);
  tf.dispose([ga, gb]);
  result.dispose();
  const ig = integratedGradients(model, [xa, xb], { targets: [2, 0], steps: 64 });
  assert.deepEqual(
    ig.inputAttributions.map((a) => a.shape),
    [
      [2, 8, 8, 3],
      [2, 4],
    ],
  );
  assert.ok(
    ig.delta!.every((d) => Math.abs(d) < 1e-2),
    `completeness over both inputs: ${ig.delta}`,
  );
  ig.dispose();
  assert.equal(tf.memory().numTensors, start);
  tf.dispose([xa, xb]);
});

/** Patch embedding → tokens [B, 16, 8] → token-mixing MLP + norm (the layer explained) → grid → head. */
function tokenModel(): tf.LayersModel {
  const x = tf.input({ shape: [8, 8, 3] });
  const patches = tf.layers
    .conv2d({ filters: 8, kernelSize: 2, strides: 2, name: "patch_embed" })
    .apply(x) as tf.SymbolicTensor;
  const tokens = tf.layers
    .reshape({ targetShape: [16, 8], name: "tokens" })
    .apply(patches) as tf.SymbolicTensor;
  const t = tf.layers.permute({ dims: [2, 1], name: "to_mix" }).apply(tokens) as tf.SymbolicTensor;
  const mixed = tf.layers
    .dense({ units: 16, activation: "relu", name: "token_mix" })
    .apply(t) as tf.SymbolicTensor;
  const back = tf.layers.permute({ dims: [2, 1], name: "from_mix" }).apply(mixed) as tf.SymbolicTensor;
  const channels = tf.layers
    .dense({ units: 8, activation: "relu", name: "channel_mix" })
    .apply(back) as tf.SymbolicTensor;
  const grid = tf.layers
    .reshape({ targetShape: [4, 4, 8], name: "grid" })
    .apply(channels) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(grid) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3, name: "head" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: out, name: "mixer" });
  seedWeights(model, 11);
  return model;
}

test("token-shaped layers: every CAM with tokensToGrid equals the CAM at the model's own grid layer", () => {
  const model = tokenModel();
  const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 5);
  const start = tf.memory().numTensors;
  for (const [name, Method] of Object.entries(CAM_METHODS)) {
    const onTokens = new Method(model, {
      targetLayer: "channel_mix",
      reshapeTransform: tokensToGrid(),
    }).compute(x, { targets: [0, 2] });
    const onGrid = new Method(model, { targetLayer: "grid" }).compute(x, { targets: [0, 2] });
    // FullGrad ignores targetLayer (every bias layer, as pytorch-grad-cam): its map is at the input's size
    assert.deepEqual(onTokens.raw.shape, name === "FullGrad" ? [2, 8, 8] : [2, 4, 4], name);
    assert.ok(maxAbs(onTokens.raw, onGrid.raw) <= 1e-5, `${name}: raw maps agree`);
    onTokens.dispose();
    onGrid.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
  assert.throws(
    () => new GradCAM(model, { targetLayer: "channel_mix" }),
    /outputs \[null,16,8\], but a CAM needs/,
  );
  tf.dispose(x);
});

test("tokensToGrid drops a class token when the count is one more than a square, and says what it needs", () => {
  const values = tf.tensor3d(
    Array.from({ length: 2 * 5 * 1 }, (_, i) => i),
    [2, 5, 1],
  );
  const grid = tokensToGrid()(values);
  assert.deepEqual(grid.shape, [2, 2, 2, 1]);
  assert.deepEqual(Array.from(grid.dataSync()), [1, 2, 3, 4, 6, 7, 8, 9]);
  const kept = tokensToGrid({ classToken: false, height: 1, width: 5 })(values);
  assert.deepEqual(kept.shape, [2, 1, 5, 1]);
  assert.throws(
    () => tokensToGrid({ height: 3 })(values),
    /4 patch tokens \(after the class token\) do not fill a 3x\? grid/,
  );
  assert.throws(
    () => tokensToGrid()(tf.zeros([1, 4, 4, 1])),
    /expects token activations \[batch, tokens, channels\]/,
  );
  tf.dispose([values, grid, kept]);
});

test("a model that is neither kind is a clear error at the call", () => {
  assert.throws(
    () => featureMaps({ layers: [] } as never, 0, tf.zeros([1])),
    /featureMaps expects a tf\.LayersModel .* or a tf\.GraphModel .*, got Object/,
  );
  assert.throws(() => new GradCAM("model" as never, { targetLayer: 0 }), /GradCAM expects a tf\.LayersModel/);
  assert.equal(inspectModel(twoInputModel()).kind, "layers");
});
