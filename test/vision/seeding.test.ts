// "Seeded" must mean the same result on every run, including with the default seed 0, which tfjs's random
// ops treat as no seed at all.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradientAscent, models, smoothGrad, tf } from "../../src/index";
import { tfjsSeed } from "../../src/data/seeded-random";

function tinyModel(): tf.LayersModel {
  const model = models.smallCnn({
    inputShape: [8, 8, 3],
    classes: 3,
    filters: [4],
    outputActivation: "linear",
  });
  // fixed weights: the model is the same in both runs, so only the method's own randomness can differ
  model.setWeights(model.getWeights().map((w, i) => tf.sin(tf.range(0, w.size).add(i)).reshape(w.shape)));
  return model;
}

test("tfjsSeed never hands tfjs a seed of 0", () => {
  assert.notEqual(tfjsSeed(0), 0);
  assert.notEqual(tfjsSeed(-1), 0);
  assert.equal(new Set([0, 1, 2, -1, -2].map(tfjsSeed)).size, 5);
});

test("gradientAscent with the default seed gives the same images twice", () => {
  const model = tinyModel();
  const [a, b] = [0, 1].map(() => gradientAscent(model, { class: [0, 1] }, { steps: 3 }));
  assert.deepEqual(Array.from(a.images.dataSync()), Array.from(b.images.dataSync()));
  a.dispose();
  b.dispose();
});

test("smoothGrad with the default seed gives the same attributions twice", () => {
  const model = tinyModel();
  const x = tf.linspace(0, 1, 8 * 8 * 3).reshape([1, 8, 8, 3]);
  const [a, b] = [0, 1].map(() => smoothGrad(model, x, { samples: 3, targets: [0] }));
  assert.deepEqual(Array.from(a.attributions.dataSync()), Array.from(b.attributions.dataSync()));
  tf.dispose([a.attributions, b.attributions, x]);
});
