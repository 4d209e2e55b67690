import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { deletionCurve, insertionCurve, pointingGame, trapezoid } from "../../src/vision/metrics";

test("pointing game: the first maximum inside the box (or within the tolerance) is a hit", () => {
  // 3 maps of 4x4; maxima at (x=1,y=1), (x=3,y=0), (x=0,y=3).
  const maps = tf.tensor3d(
    [
      [0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0],
    ].flat(),
    [3, 4, 4],
  );
  const boxes = [
    { x0: 1, y0: 1, x1: 3, y1: 3 }, // contains (1,1)
    { x0: 0, y0: 0, x1: 2, y1: 2 }, // (3,0) is 2 columns right of x = 1
    { x0: 2, y0: 2, x1: 4, y1: 4 }, // (0,3) is 2 columns left of x = 2
  ];
  assert.deepEqual(pointingGame(maps, boxes), { hits: [true, false, false], accuracy: 1 / 3 });
  assert.deepEqual(pointingGame(maps, boxes, { tolerance: 2 }).hits, [true, true, true]);
  assert.deepEqual(pointingGame(maps, boxes, { tolerance: 1.9 }).hits, [true, false, false]);
  assert.throws(() => pointingGame(maps, boxes.slice(1)), /pointingGame got 2 box\(es\) for 3 map\(s\)/);
  maps.dispose();
});

/** logit₀ = Σ_p x_p·w_p, logit₁ = 0: the deletion curve of a ranking is computable by hand. */
function linearModel(w: number[]): tf.LayersModel {
  const model = tf.sequential();
  model.add(tf.layers.flatten({ inputShape: [2, 2, 1] }));
  model.add(tf.layers.dense({ units: 2, useBias: false }));
  model.setWeights([
    tf.tensor2d(
      w.flatMap((v) => [v, 0]),
      [4, 2],
    ),
  ]);
  return model;
}

test("deletion and insertion curves match the hand-computed logits", () => {
  const w = [1, 2, 3, 4];
  const x = [0.5, 1, 1, 0.25];
  const model = linearModel(w);
  const images = tf.tensor4d(x, [1, 2, 2, 1]);
  const map = tf.tensor3d([0.1, 0.9, 0.5, 0.5], [1, 2, 2]); // rank: pixel 1, then 2 and 3 (tie: index order), then 0
  const before = tf.memory().numTensors;
  const options = { targets: [0], steps: 4, score: "logit" as const };
  const deletion = deletionCurve(model, images, map, options);
  const contributions = x.map((v, p) => v * w[p]); // [0.5, 2, 3, 1]
  const total = contributions.reduce((a, b) => a + b, 0);
  const removed = [0, 2, 3, 1, 0.5];
  const expected = removed.map((_, s) => total - removed.slice(0, s + 1).reduce((a, b) => a + b, 0));
  assert.deepEqual(deletion.fractions, [0, 0.25, 0.5, 0.75, 1]);
  deletion.curves[0].forEach((v, s) =>
    assert.ok(Math.abs(v - expected[s]) < 1e-5, `${s}: ${v} vs ${expected[s]}`),
  );
  assert.ok(Math.abs(deletion.auc[0] - trapezoid(expected, deletion.fractions)) < 1e-5);
  const insertion = insertionCurve(model, images, map, { ...options, baseline: 0 });
  insertion.curves[0].forEach((v, s) => assert.ok(Math.abs(v - (total - expected[s])) < 1e-5));
  // Probabilities: softmax of [logit, 0] → sigmoid(logit).
  const probability = deletionCurve(model, images, map, { targets: [0], steps: 4, batchSize: 2 });
  probability.curves[0].forEach((v, s) => assert.ok(Math.abs(v - 1 / (1 + Math.exp(-expected[s]))) < 1e-5));
  // "mean": deleted pixels take the image's mean value (0.6875 here).
  const mean = x.reduce((a, b) => a + b, 0) / 4;
  const order = [1, 2, 3, 0];
  const meanCurve = deletionCurve(model, images, map, { ...options, baseline: "mean" }).curves[0];
  meanCurve.forEach((v, s) => {
    const deleted = new Set(order.slice(0, s));
    const logit = x.reduce((acc, xp, p) => acc + (deleted.has(p) ? mean : xp) * w[p], 0);
    assert.ok(Math.abs(v - logit) < 1e-5, `mean baseline step ${s}: ${v} vs ${logit}`);
  });
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  tf.dispose([images, map]);
});

test("trapezoid integrates piecewise-linear curves exactly", () => {
  assert.equal(trapezoid([0, 1, 1], [0, 0.5, 1]), 0.75);
});
