// Guided Grad-CAM is guided backprop's gradients times the Grad-CAM heatmap; overlay's imageWeight is 1 − alpha.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { GradCAM } from "../../src/vision/cam";
import { guidedGradCam } from "../../src/vision/cam/guided";
import { guidedBackprop } from "../../src/vision/saliency";
import { overlayToRgba } from "../../src/image/overlay";
import { handModel, inputTensor } from "./cam-fixtures";

test("guidedGradCam = guidedBackprop ⊙ GradCAM heatmap, one call", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const result = guidedGradCam(model, x, { targetLayer: "feat", targets: [1, 0, 1] });
  const cam = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: [1, 0, 1] });
  const gb = guidedBackprop(model, x, { targets: [1, 0, 1] });
  const expected = tf.tidy(() => tf.mul(gb.attributions, cam.heatmap.expandDims(3)).dataSync());
  const actual = result.attributions.dataSync();
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i] - v) < 1e-6));
  assert.equal(result.method, "Guided GradCAM");
  assert.deepEqual(result.classes, [1, 0, 1]);
  [result, cam, gb].forEach((r) => r.dispose());
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("overlay's imageWeight is pytorch-grad-cam's image_weight, i.e. 1 − alpha", () => {
  const image = tf.fill([2, 2, 3], 0.5);
  const cam = tf.tensor2d([
    [0, 0.25],
    [0.5, 1],
  ]);
  const a = overlayToRgba(image, cam, { imageWeight: 0.7 });
  const b = overlayToRgba(image, cam, { alpha: 0.3 });
  assert.deepEqual(a.data, b.data);
  assert.throws(() => overlayToRgba(image, cam, { alpha: 0.3, imageWeight: 0.7 }), /alpha or imageWeight/);
  tf.dispose([image, cam]);
});
