// lucent's objectives against hand-computed values on the hand model (cam-fixtures.ts: feat = [relu(x),
// relu(0.5 − x)]), its transforms' shapes and gradients, render_vis / deepdream seeded and climbing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { runModel } from "../../src/vision/graph";
import { inspectModel } from "../../src/model";
import {
  channel,
  deepdream,
  direction,
  diversity,
  jitter,
  l1,
  l2,
  neuron,
  pad,
  randomRotate,
  randomScale,
  renderVis,
  standardTransforms,
  compose,
  sumObjectives,
  totalVariation,
  type Objective,
} from "../../src/vision/lucent";
import { INPUTS, handModel, inputTensor } from "./cam-fixtures";

const relu = (v: number) => Math.max(v, 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const A = (x: number[]) => x.map((v) => [relu(v), relu(0.5 - v)]);

function valueOf(objective: Objective, x: tf.Tensor4D): number[] {
  const model = handModel();
  return tf.tidy(() => {
    const { outputs, captured } = runModel(model, x, { capture: ["feat"] });
    const v = objective.value({
      model: inspectModel(model),
      input: x,
      output: outputs[0],
      layer: () => captured[0],
    });
    return Array.from(v.dataSync());
  });
}

function close(actual: number[], expected: number[], what: string, tolerance = 1e-5): void {
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) < tolerance, `${what}[${i}]: ${a} vs ${expected[i]}`),
  );
}

test("neuron, channel, direction: one unit, a channel's mean, mean cosine similarity", () => {
  const x = inputTensor();
  close(
    valueOf(neuron("feat", 1, 0, 2), x),
    INPUTS.map((s) => A(s)[6][1]),
    "neuron (x 0, y 2)",
  );
  close(
    valueOf(neuron("feat", 0), x),
    INPUTS.map((s) => A(s)[4][0]),
    "neuron at the centre",
  );
  close(
    valueOf(channel("feat", 1), x),
    INPUTS.map((s) => sum(A(s).map((a) => a[1])) / 9),
    "channel",
  );
  const v = [2, 1];
  close(
    valueOf(direction("feat", v), x),
    INPUTS.map(
      (s) =>
        sum(
          A(s).map(
            (a) => (a[0] * v[0] + a[1] * v[1]) / (Math.max(Math.hypot(...a), 1e-8) * Math.hypot(...v)),
          ),
        ) / 9,
    ),
    "direction",
  );
  assert.throws(
    () => valueOf(neuron("feat", 5), x),
    /neuron: channel 5 is outside layer "feat"'s 2 channels \(0..1\)/,
  );
  assert.throws(
    () => valueOf(direction("feat", [1, 2, 3]), x),
    /the vector has 3 values but layer "feat" has 2 channels/,
  );
  x.dispose();
});

test("diversity: −Σ_{i≠j} ⟨G_i, G_j⟩ / batch over normalised Gram matrices, shared equally", () => {
  const x = inputTensor();
  const grams = INPUTS.map((s) => {
    const a = A(s);
    const g = [0, 1].flatMap((i) => [0, 1].map((j) => sum(a.map((r) => r[i] * r[j]))));
    const n = Math.hypot(...g);
    return g.map((v) => v / n);
  });
  let off = 0;
  grams.forEach((gi, i) => grams.forEach((gj, j) => (off += i === j ? 0 : sum(gi.map((v, k) => v * gj[k])))));
  const values = valueOf(diversity("feat"), x);
  close([sum(values)], [-off / 3], "diversity total");
  x.dispose();
});

test("penalties and arithmetic: L1, L2, total variation of the input; a + 2b − c", () => {
  const x = inputTensor();
  close(
    valueOf(l1(), x),
    INPUTS.map((s) => sum(s.map(Math.abs))),
    "L1",
  );
  close(
    valueOf(l2("input", 0.5), x),
    INPUTS.map((s) => Math.sqrt(1e-6 + sum(s.map((v) => (v - 0.5) ** 2)))),
    "L2",
  );
  const tv = (s: number[]) => {
    let t = 0;
    for (let y = 0; y < 3; y++) for (let k = 0; k < 2; k++) t += Math.abs(s[y * 3 + k + 1] - s[y * 3 + k]);
    for (let y = 0; y < 2; y++) for (let k = 0; k < 3; k++) t += Math.abs(s[(y + 1) * 3 + k] - s[y * 3 + k]);
    return t;
  };
  close(valueOf(totalVariation(), x), INPUTS.map(tv), "TV");
  const combined = sumObjectives(neuron("feat", 0), channel("feat", 1).times(2)).minus(l1());
  close(
    valueOf(combined, x),
    INPUTS.map((s) => A(s)[4][0] + (2 * sum(A(s).map((a) => a[1]))) / 9 - sum(s.map(Math.abs))),
    "a + 2b − c",
  );
  x.dispose();
});

test("transforms: shapes as lucent's, rotation by 90° is a permutation, gradients flow through all", () => {
  const image = tf.tensor4d(
    Array.from({ length: 9 }, (_, i) => i / 8),
    [1, 3, 3, 1],
  );
  const random = () => 0.99;
  assert.deepEqual(pad(2)(image, random).shape, [1, 7, 7, 1]);
  assert.deepEqual(jitter(2)(image, random).shape, [1, 2, 2, 1]);
  assert.deepEqual(randomScale([2])(image, random).shape, [1, 6, 6, 1]);
  const turned = Array.from(randomRotate([90])(image, random).dataSync());
  // output (x, y) samples the source rotated back: a quarter turn moves every pixel to another pixel
  close(
    [...turned].sort((u, v) => u - v),
    Array.from(image.dataSync()).sort((u, v) => u - v),
    "a permutation",
    1e-5,
  );
  assert.notDeepEqual(turned, Array.from(image.dataSync()));
  const big = tf.randomUniform([1, 32, 32, 3], 0, 1, "float32", 3);
  const all = compose(standardTransforms());
  const grad = tf.grad((t: tf.Tensor) => tf.sum(all(t as tf.Tensor4D, () => 0.3)))(big);
  assert.ok(tf.tidy(() => tf.abs(grad).sum().dataSync()[0]) > 0, "the gradient reaches the image");
  tf.dispose([image, big, grad]);
});

test("renderVis: climbs a neuron; seeded; lowres parameterisation; a bad channel is named before optimising", () => {
  const model = handModel();
  const before = tf.memory().numTensors;
  const run = () =>
    renderVis(model, neuron("feat", 0), {
      steps: 12,
      parameterization: "lowres",
      lowresFactor: 2,
      transforms: [],
      learningRate: 0.2,
    });
  const [a, b] = [run(), run()];
  assert.deepEqual(a.images.arraySync(), b.images.arraySync(), "same seed, same images");
  assert.ok(a.history[a.history.length - 1] > a.history[0], `climbs: ${a.history[0]} → ${a.history.at(-1)}`);
  a.dispose();
  b.dispose();
  const fft = renderVis(model, channel("feat", 0).minus(totalVariation().times(0.01)), { steps: 3 });
  assert.deepEqual(fft.images.shape, [1, 3, 3, 1]);
  fft.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.throws(
    () => renderVis(model, channel("feat", 7), { steps: 1 }),
    /channel: channel 7 is outside layer "feat"'s 2 channels/,
  );
});

test("deepdream: from the given image, the filter's activation grows and pixels stay in [0, 1]", () => {
  const model = handModel();
  const image = tf.tensor3d(INPUTS[0], [3, 3, 1]);
  const dream = deepdream(model, image, "feat", 1, { steps: 10 });
  assert.ok(dream.history[dream.history.length - 1] > dream.history[0]);
  const values = Array.from(dream.images.dataSync());
  assert.ok(values.every((v) => v >= 0 && v <= 1));
  assert.throws(
    () => deepdream(model, image, "feat", 3),
    /deepdream: filter 3 is outside layer "feat"'s 2 channels/,
  );
  dream.dispose();
  image.dispose();
});
