// How many times a CAM runs the model, and which targets each pass explains: Finer-CAM picks its look-alike
// classes from the pass it differentiates (as pytorch-grad-cam does, no extra forward pass), and a target
// function is explained by every target layer and every augmented batch, not replaced by its class index.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import {
  FinerCAM,
  GradCAM,
  ScoreCAM,
  classifierOutputSoftmaxTarget,
  finerWeightedTarget,
  type CamTarget,
} from "../../src/vision/cam";
import type { BaseCAM } from "../../src/vision/cam/base";
import { handModel, inputTensor } from "./cam-fixtures";

/** The number of model runs (each a forward pass, over part or all of the model) during `fn`. */
function countRuns(cam: BaseCAM, fn: () => void): number {
  const model = cam.model as { run: (...args: unknown[]) => unknown };
  const original = model.run;
  let runs = 0;
  model.run = (...args: unknown[]) => {
    runs += 1;
    return original.apply(model, args);
  };
  try {
    fn();
  } finally {
    model.run = original;
  }
  return runs;
}

test("FinerCAM runs the model as often as its base method: one forward pass (prefix + suffix)", () => {
  const model = handModel();
  const x = inputTensor();
  for (const [finer, base] of [
    [new FinerCAM(model, { targetLayer: "feat" }), new GradCAM(model, { targetLayer: "feat" })],
    [
      new FinerCAM(model, { targetLayer: "feat", baseMethod: ScoreCAM }),
      new ScoreCAM(model, { targetLayer: "feat" }),
    ],
  ] as [BaseCAM, BaseCAM][]) {
    const before = tf.memory().numTensors;
    const finerRuns = countRuns(finer, () => finer.compute(x).dispose());
    const baseRuns = countRuns(base, () => base.compute(x).dispose());
    assert.equal(finerRuns, baseRuns, `${finer.name}: ${finerRuns} model runs, ${base.name}: ${baseRuns}`);
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  }
  x.dispose();
  model.dispose();
});

test("FinerCAM's targets chosen in the pass equal the same targets given explicitly", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const logits = tf.tidy(() => (model.predict(x) as tf.Tensor).arraySync() as number[][]);
  // two classes: the top class against the other one
  const targets = logits.map((row) => {
    const top = row[1] > row[0] ? 1 : 0;
    return finerWeightedTarget(top, [1 - top], 0.5);
  });
  const finer = new FinerCAM(model, { targetLayer: "feat", alpha: 0.5 }).compute(x, { augSmooth: true });
  const given = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets, augSmooth: true });
  assert.deepEqual(finer.classes, given.classes);
  const [a, b] = [finer.raw.dataSync(), given.raw.dataSync()];
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-6, `raw[${i}]: ${v} vs ${b[i]}`));
  finer.dispose();
  given.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
  model.dispose();
});

test("a target function with a class is explained by every target layer and every augmented batch", () => {
  const model = handModel();
  const x = inputTensor();
  const batch = x.shape[0];
  let calls = 0;
  const counted = (c: number): CamTarget => {
    const softmax = classifierOutputSoftmaxTarget(c);
    return Object.assign(
      (row: tf.Tensor) => {
        calls += 1;
        return softmax(row);
      },
      { category: c },
    );
  };
  const targets = [counted(0), counted(1), counted(0)];
  const cam = new GradCAM(model, { targetLayer: ["feat", "feat"] });
  const before = tf.memory().numTensors;
  cam.compute(x, { targets, augSmooth: true }).dispose();
  // 6 augmented batches × 2 layers, each scoring every sample in its backward pass and once more for its scores
  assert.equal(calls, 6 * 2 * 2 * batch);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
  model.dispose();
});
