// The model zoo: torchvision's parameter counts, stable layer names, options checked, small CNNs that train, and
// a saved ResNet that tf.loadLayersModel can read back from disk.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { models, summary, tf } from "../../src/index";

const trainableCount = (m: tf.LayersModel) =>
  m.trainableWeights.reduce((n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);

test("resnet18: torchvision's 11,689,512 trainable parameters at 1000 classes, plus 9,600 BN statistics", () => {
  const m = models.resnet18({ init: "zeros" });
  assert.equal(trainableCount(m), 11_689_512);
  assert.equal(m.countParams(), 11_689_512 + 9_600);
  assert.deepEqual(m.outputs[0].shape, [null, 1000]);
  assert.equal(m.getClassName(), "ResNet");
  m.dispose();
});

test("vgg11: torchvision's 132,863,336 trainable parameters at 224×224×3 and 1000 classes", () => {
  const m = models.vgg11({ init: "zeros" });
  assert.equal(trainableCount(m), 132_863_336);
  const features = m.getLayer("features") as tf.Sequential;
  // torchvision's features: conv/relu pairs and 5 max-poolings, 21 modules named 0..20.
  assert.deepEqual(
    features.layers.map((l) => l.name),
    Array.from({ length: 21 }, (_, i) => `features.${i}`),
  );
  m.dispose();
});

test("input shape and class count are configurable", () => {
  const m = models.resnet18({ inputShape: [64, 64, 3], classes: 10, init: "zeros" });
  assert.deepEqual(m.outputs[0].shape, [null, 10]);
  assert.equal(trainableCount(m), 11_689_512 - 513_000 + (512 * 10 + 10));
  m.dispose();
  const v = models.vgg11({ inputShape: [32, 32, 3], classes: 10, init: "zeros" });
  // 32 / 2⁵ = 1, so classifier.0 takes 512 inputs instead of 7·7·512.
  assert.equal(
    trainableCount(v),
    132_863_336 - 7 * 7 * 512 * 4096 + 512 * 4096 - (4096 * 1000 + 1000) + 40_970,
  );
  v.dispose();
});

test("layer names are torchvision's module paths and the same in every instance", () => {
  const names = (m: tf.LayersModel): string[] =>
    m.layers.flatMap((l) => [l.name, ...(l instanceof tf.LayersModel ? names(l) : [])]);
  const a = models.resnet18({ init: "zeros" });
  const b = models.resnet18({ init: "zeros" });
  assert.deepEqual(names(a), names(b));
  for (const expected of [
    "conv1",
    "bn1",
    "layer1",
    "layer1.0",
    "layer2.0.downsample",
    "layer2.0.downsample.0",
    "fc",
  ]) {
    assert.ok(names(a).includes(expected), expected);
  }
  a.dispose();
  b.dispose();
  assert.deepEqual(
    models.smallCnn().layers.map((l) => l.name),
    ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "dense"],
  );
});

test("bad options fail at the builder call", () => {
  assert.throws(
    () => models.resnet18({ inputShape: [224, 224] }),
    /inputShape must be \[height, width, channels\]/,
  );
  assert.throws(() => models.resnet18({ classes: 0 }), /classes must be a positive integer/);
  assert.throws(
    () => models.vgg11({ inputShape: [16, 16, 3] }),
    /too small; height and width must be at least 32/,
  );
  assert.throws(() => models.smallCnn({ filters: [] }), /filters must be a non-empty list/);
  assert.throws(() => models.smallCnn({ head: "pool" as never }), /head must be "flatten" or "gap"/);
  assert.throws(() => models.resnet18({ init: "ones" as never }), /init must be "random" or "zeros"/);
});

/** n noisy 64×64×3 images, each with a bright 16×16 square in channel `label` (red or green) somewhere. */
function coloredSquares(n: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const side = 64;
  const pixels = new Float32Array(n * side * side * 3).map((_, k) => ((k * 7919) % 101) / 400);
  const labels = Array.from({ length: n }, (_, i) => i % 2);
  labels.forEach((label, i) => {
    const [top, left] = [(i * 7) % 48, (i * 13) % 48];
    for (let y = top; y < top + 16; y++) {
      for (let x = left; x < left + 16; x++) pixels[((i * side + y) * side + x) * 3 + label] = 1;
    }
  });
  return {
    xs: tf.tensor4d(pixels, [n, side, side, 3]),
    ys: tf.oneHot(tf.tensor1d(labels, "int32"), 2) as tf.Tensor2D,
  };
}

test("smallCnn learns a synthetic 64×64×3 task (red square vs green square) with its GAP head", async () => {
  const model = models.smallCnn({ inputShape: [64, 64, 3], classes: 2, head: "gap" });
  const { xs, ys } = coloredSquares(64);
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  const history = await model.fit(xs, ys, { epochs: 10, batchSize: 16, verbose: 0 });
  const accuracy = history.history.acc as number[];
  assert.ok(accuracy[accuracy.length - 1] >= 0.9, `final accuracy ${accuracy.at(-1)}`);
  tf.dispose([xs, ys]);
  model.dispose();
});

test("a saved ResNet loads back with tf.loadLayersModel from disk, same structure and weights", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tensorscope-resnet-"));
  try {
    const model = models.resnet18({ inputShape: [32, 32, 3], classes: 4 });
    await model.save(`file://${dir}`);
    const loaded = await tf.loadLayersModel(`file://${join(dir, "model.json")}`);
    assert.equal(loaded.getClassName(), "ResNet");
    assert.equal(loaded.countParams(), model.countParams());
    const fc = (m: tf.LayersModel) => m.getLayer("fc").getWeights()[0].dataSync();
    assert.deepEqual(fc(loaded), fc(model));
    assert.equal(summary(loaded, { depth: 4 }).toString(), summary(model, { depth: 4 }).toString());
    model.dispose();
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
