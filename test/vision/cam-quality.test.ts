// Quality, measured: a small CNN trained here on the synthetic shapes dataset classifies held-out images, and
// GradCAM points at the object (pointing game); deletion/insertion beat a random map.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { GradCAM } from "../../src/vision/cam";
import { deletionCurve, insertionCurve, pointingGame } from "../../src/vision/metrics";
import { trainedShapesCnn } from "./cam-quality-model";

test("GradCAM on a CNN trained on shapes: >= 95% accuracy, >= 90% pointing game", async () => {
  const { model, testSet, accuracy } = await trainedShapesCnn();
  assert.ok(accuracy >= 0.95, `held-out accuracy ${accuracy}`);

  const before = tf.memory().numTensors;
  const cam = new GradCAM(model, { targetLayer: "last_conv" }).compute(testSet.images, {
    targets: testSet.labels,
  });
  const pointing = pointingGame(cam.heatmap, testSet.boxes);
  assert.ok(pointing.accuracy >= 0.9, `pointing game ${pointing.accuracy}`);

  // Faithfulness on a subset: removing the pixels GradCAM ranks first hurts more than removing random ones.
  const n = 40;
  const images = testSet.images.slice(0, n);
  const maps = cam.heatmap.slice(0, n);
  const random = tf.randomUniform([n, 32, 32], 0, 1, "float32", 5);
  const targets = testSet.labels.slice(0, n);
  const options = { targets, steps: 16 };
  // Deleting to black leaves a dark silhouette the CNN still recognises; the image's mean colour hides it.
  const deletion = deletionCurve(model, images, maps, { ...options, baseline: "mean" });
  const deletionRandom = deletionCurve(model, images, random, { ...options, baseline: "mean" });
  const insertion = insertionCurve(model, images, maps, options);
  const insertionRandom = insertionCurve(model, images, random, options);
  assert.ok(
    deletion.meanAuc < deletionRandom.meanAuc,
    `deletion ${deletion.meanAuc} vs random ${deletionRandom.meanAuc}`,
  );
  assert.ok(
    insertion.meanAuc > insertionRandom.meanAuc,
    `insertion ${insertion.meanAuc} vs random ${insertionRandom.meanAuc}`,
  );
  tf.dispose([images, maps, random]);
  cam.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  console.log(
    `shapes: accuracy ${accuracy}, pointing ${pointing.accuracy}, deletion AUC ${deletion.meanAuc.toFixed(3)} ` +
      `(random ${deletionRandom.meanAuc.toFixed(3)}), insertion AUC ${insertion.meanAuc.toFixed(3)} (random ${insertionRandom.meanAuc.toFixed(3)})`,
  );
  testSet.dispose();
});
