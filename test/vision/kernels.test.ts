import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { kernels, kernelTiles } from "../../src/vision/kernels";
import { colourAt } from "../../src/image/colormap";
import { DISPLAY_SYMBOL } from "../../src/display";
import type { RgbaImage } from "../../src/image/png";

function rgb(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.data.slice(i, i + 3)];
}

/** conv 2x2, 1 input channel, 2 filters: filter 0 = [[1, -1], [0.5, 0]], filter 1 = [[0, 0], [0, -2]]. */
function tinyConv(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [4, 4, 1], filters: 2, kernelSize: 2, name: "conv", useBias: false }),
      tf.layers.flatten({ name: "flat" }),
      tf.layers.dense({ units: 2, name: "fc" }),
    ],
  });
  const kernel = tf.tensor4d([1, 0, -1, 0, 0.5, 0, 0, -2], [2, 2, 1, 2]);
  model.getLayer("conv").setWeights([kernel]);
  kernel.dispose();
  return model;
}

test("channel tiles use the diverging map with a symmetric scale, per layer or per filter", () => {
  const model = tinyConv();
  const result = kernels(model, "conv");
  const { tiles } = kernelTiles(result.weights);
  assert.equal(tiles.length, 2);
  // layer scale ±2: w → (w + 2) / 4
  assert.deepEqual(rgb(tiles[0].image, 0, 0), colourAt("diverging", 3 / 4));
  assert.deepEqual(rgb(tiles[0].image, 1, 0), colourAt("diverging", 1 / 4));
  assert.deepEqual(rgb(tiles[0].image, 0, 1), colourAt("diverging", 2.5 / 4));
  assert.deepEqual(rgb(tiles[0].image, 1, 1), colourAt("diverging", 0.5));
  assert.deepEqual(rgb(tiles[1].image, 1, 1), colourAt("diverging", 0));
  // per filter: filter 0 scales by ±1, so its -1 is the blue end
  const perFilter = kernelTiles(result.weights, { normalize: "filter" }).tiles;
  assert.deepEqual(rgb(perFilter[0].image, 1, 0), colourAt("diverging", 0));
  assert.equal(perFilter[0].label, "0 ±1");
  assert.equal(perFilter[1].label, "1 ±2");
  assert.match(
    result.description,
    /conv \(Conv2D\) kernels 2x2x1x2: 2 of 2 filters, 1 of 1 input channels, channels, scale ±2/,
  );
  result.dispose();
  model.dispose();
});

test("first-layer RGB filters: 0.5 + w / (2·max|w|), zero at mid-grey", () => {
  const weights = tf.tensor4d([2, 1, 0, 0, -2, -1], [1, 1, 3, 2]); // filter 0 = (2, 0, -2), filter 1 = (1, 0, -1)
  const layerScale = kernelTiles(weights).tiles;
  assert.deepEqual(rgb(layerScale[0].image, 0, 0), [255, 128, 0]);
  assert.deepEqual(rgb(layerScale[1].image, 0, 0), [191, 128, 64]);
  const filterScale = kernelTiles(weights, { normalize: "filter" }).tiles;
  assert.deepEqual(rgb(filterScale[1].image, 0, 0), [255, 128, 0]);
  assert.equal(kernelTiles(weights, { mode: "mean" }).plan.mode, "mean");
  weights.dispose();
});

test("caps on filters and channels bound the picture but not the returned weights", () => {
  const model = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [8, 8, 5], filters: 12, kernelSize: 3, name: "c" })],
  });
  const result = kernels(model, 0, { maxFilters: 3, maxChannels: 2 });
  assert.deepEqual(result.weights.shape, [3, 3, 5, 12]);
  assert.equal(kernelTiles(result.weights, { maxFilters: 3, maxChannels: 2 }).tiles.length, 6);
  assert.match(result.description, /3 of 12 filters, 2 of 5 input channels/);
  const bundle = result[DISPLAY_SYMBOL]();
  assert.equal(typeof bundle["image/png"], "string");
  assert.equal(bundle["text/plain"], result.description);
  result.dispose();
  model.dispose();
});

test("weights are a copy: disposing them leaves the model working and unchanged; nothing leaks", () => {
  const model = tinyConv();
  const before = tf.memory().numTensors;
  const original = model.getLayer("conv").getWeights()[0].arraySync();
  const result = kernels(model, "conv");
  assert.deepEqual(result.weights.arraySync(), original);
  result.dispose();
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(model.getLayer("conv").getWeights()[0].arraySync(), original);
  const y = model.predict(tf.ones([1, 4, 4, 1])) as tf.Tensor;
  assert.deepEqual(y.shape, [1, 2]);
  tf.dispose(y);
  model.dispose();
});

test("depthwise kernels become one filter per output channel; nested layers are found by path", () => {
  const inner = tf.sequential({
    name: "block",
    layers: [
      tf.layers.depthwiseConv2d({ inputShape: [6, 6, 2], kernelSize: 3, depthMultiplier: 2, name: "dw" }),
    ],
  });
  const input = tf.input({ shape: [6, 6, 2] });
  const outer = tf.model({ inputs: input, outputs: inner.apply(input) as tf.SymbolicTensor });
  const result = kernels(outer, "block/dw");
  const kernel = inner.getLayer("dw").getWeights()[0] as tf.Tensor4D; // [3, 3, 2 channels, 2 multiplier]
  const k = kernel.arraySync();
  const w = result.weights.arraySync();
  assert.deepEqual(result.weights.shape, [3, 3, 1, 4]);
  assert.equal(w[1][2][0][1 * 2 + 1], k[1][2][1][1]); // output channel c·multiplier + m
  result.dispose();
  outer.dispose();
});

test("a layer without a convolution kernel, an unknown name or an impossible mode is a clear error", () => {
  const model = tinyConv();
  const before = tf.memory().numTensors;
  assert.throws(
    () => kernels(model, "fc"),
    /layer "fc" \(Dense\) has no 2-D convolution kernel.*Convolution layers here: "conv"/,
  );
  assert.throws(() => kernels(model, "conv1"), /no layer "conv1" in model .*nearest names: "conv"/);
  assert.throws(
    () => kernels(model, "conv", { mode: "rgb" }),
    /mode "rgb" needs 3 input channels; this layer's kernels have 1/,
  );
  assert.throws(
    () => kernels(model, "conv", { maxFilters: 0 }),
    /maxFilters must be a positive integer, got 0/,
  );
  assert.throws(() => kernels(model, 7), /layer index 7 is outside model/);
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});
