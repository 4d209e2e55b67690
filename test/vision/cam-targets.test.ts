// pytorch-grad-cam's model targets (one sample's output each), and the errors of the new CAM options.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import {
  FinerCAM,
  GradCAM,
  KPCACAM,
  binaryClassifierOutputTarget,
  boxScoreTarget,
  classifierOutputReST,
  classifierOutputTarget,
  semanticSegmentationTarget,
} from "../../src/vision/cam";
import { handModel, inputTensor } from "./cam-fixtures";

const value = (t: tf.Tensor) => {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
};

test("classifier targets pick, soften or ReST one sample's logits", () => {
  const row = tf.tensor1d([1, 3, 2]);
  assert.equal(value(classifierOutputTarget(1)(row)), 3);
  const lse = Math.log(Math.exp(1) + Math.exp(3) + Math.exp(2));
  assert.ok(Math.abs(value(classifierOutputReST(2)(row)) - (2 * 2 - lse)) < 1e-5);
  assert.equal(value(binaryClassifierOutputTarget(0)(tf.tensor1d([2.5]))), -2.5);
  assert.throws(
    () => classifierOutputTarget(5)(row),
    /classifierOutputTarget\(5\): the output has 3 classes/,
  );
  row.dispose();
});

test("semanticSegmentationTarget sums the category's scores over the mask; a wrong-sized mask is named", () => {
  // output [2, 2, 2 classes]: class 1 scores 1..4, mask picks the diagonal
  const out = tf.tensor3d([0, 1, 0, 2, 0, 3, 0, 4], [2, 2, 2]);
  const target = semanticSegmentationTarget(1, [
    [1, 0],
    [0, 1],
  ]);
  assert.equal(value(target(out)), 5);
  assert.equal(target.category, 1);
  const wrong = semanticSegmentationTarget(1, [[1, 0, 1]]);
  assert.throws(
    () => wrong(out),
    /the mask is \[1,3\] but a sample's output is \[2,2,2\]; expected \[1,3, classes\]/,
  );
  out.dispose();
});

test("semanticSegmentationTarget explains a segmentation model per image (GradCAM by hand)", () => {
  // feat: A = [relu(x), relu(0.5 − x)]; seg: 1x1 conv, class c = Σ_k A_k·V[k][c]; target Σ_mask seg_c
  const input = tf.input({ shape: [3, 3, 1] });
  const feat = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: "relu", name: "feat" });
  const seg = tf.layers.conv2d({ filters: 2, kernelSize: 1, useBias: false, name: "seg" });
  const model = tf.model({ inputs: input, outputs: seg.apply(feat.apply(input)) as tf.SymbolicTensor });
  feat.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0, 0.5])]);
  const V = [
    [2, -1],
    [1, 3],
  ];
  seg.setWeights([tf.tensor4d(V.flat(), [1, 1, 2, 2])]);
  const masks = [
    [
      [1, 1, 0],
      [0, 0, 0],
      [0, 0, 0],
    ],
    [
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ],
  ];
  const x = inputTensor().slice(0, 2);
  const targets = [semanticSegmentationTarget(0, masks[0]), semanticSegmentationTarget(1, masks[1])];
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets });
  assert.deepEqual(result.classes, [0, 1]);
  const xs = x.arraySync().map((img) => img.flat(2));
  result.raw.arraySync().forEach((map, b) => {
    const c = b; // sample b explains class b
    const inMask = masks[b].flat().filter((m) => m === 1).length;
    const w = [0, 1].map((k) => (V[k][c] * inMask) / 9);
    const expected = xs[b].map((v) => Math.max(v, 0) * w[0] + Math.max(0.5 - v, 0) * w[1]);
    map
      .flat()
      .forEach((v, p) => assert.ok(Math.abs(v - expected[p]) < 1e-5, `${b}:${p} ${v} vs ${expected[p]}`));
  });
  result.dispose();
  x.dispose();
});

test("boxScoreTarget: IoU + score of the best-overlapping detection with the same label", () => {
  // detections: a box overlapping the wanted one (IoU 0.8, label 3, score 0.9), another far away
  const out = tf.tensor2d([
    [0, 0, 10, 8, 0.9, 3],
    [50, 50, 60, 60, 0.7, 3],
  ]);
  assert.ok(Math.abs(value(boxScoreTarget([3], [[0, 0, 10, 10]])(out)) - (0.8 + 0.9)) < 1e-6);
  assert.equal(value(boxScoreTarget([2], [[0, 0, 10, 10]])(out)), 0, "another label: no match");
  assert.equal(value(boxScoreTarget([3], [[0, 0, 10, 10]], { iouThreshold: 0.85 })(out)), 0);
  assert.throws(() => boxScoreTarget([3], [[0, 0, 1, 1]])(tf.zeros([2, 4])), /\[boxes, 6\] rows/);
  out.dispose();
});

test("a per-sample target that returns more than one score is named with its sample", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const bad = (row: tf.Tensor) => row; // the whole [2] row, not a scalar
  assert.throws(
    () => new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: [0, bad, 1] }),
    /the target of sample 1 must return one score \(a scalar\) for that sample's output \[2\]; got shape \[2\]/,
  );
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("unknown options are named, with the ones the method knows", () => {
  const model = handModel();
  assert.throws(
    () => new KPCACAM(model, { targetLayer: "feat", kernal: "rbf" } as never),
    /new KPCACAM: unknown option "kernal"; known: targetLayer, reshapeTransform, output, kernel, gamma, degree, coef0/,
  );
  const x = inputTensor();
  assert.throws(
    () => new GradCAM(model, { targetLayer: "feat" }).compute(x, { aug_smooth: true } as never),
    /GradCAM.compute: unknown option "aug_smooth"; known: targets, augSmooth, eigenSmooth/,
  );
  assert.throws(
    () => new KPCACAM(model, { targetLayer: "feat", kernel: "laplace" as never }),
    /unknown kernel "laplace"/,
  );
  assert.throws(
    () => new FinerCAM(model, { targetLayer: "feat", comparisonCategories: [0] }),
    /comparisonCategories are ranks of similar classes \(1 = most similar\), got \[0\]/,
  );
  assert.throws(
    () => new FinerCAM(model, { targetLayer: "feat", comparisonCategories: [2] }).compute(x),
    /comparisonCategories \[2\] exceed the model's 2 classes/,
  );
  x.dispose();
});
