// Incremental occlusion (crops through the spatially local layers, pasted into the clean activations) must give
// the whole-image path's attributions: ResNet-18, ZeroPadding2D with valid convolutions, 'same' stride-2
// convolutions (TF's asymmetric padding, on even and odd sizes), and models where no split exists (Dense first, a
// GraphModel) fall back to whole images and say so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, models } from "../../src/index";
import { occlusion, type OcclusionOptions } from "../../src/vision/attribution";
import { inspectModel } from "../../src/model";
import { prepare } from "../../src/vision/attribution/common";
import { planIncremental, windowBoxes } from "../../src/vision/attribution/occlusion-plan";
import { slidingWindows } from "../../src/vision/attribution/perturbation";
import { seedWeights } from "./graph-models";

/** Both paths on the same input: the attributions agree within 1e-4 of the largest; what each path was. */
function bothPaths(model: tf.LayersModel | tf.GraphModel, x: tf.Tensor, options: OcclusionOptions): string {
  const before = tf.memory().numTensors;
  const fast = occlusion(model, x, { incremental: true, ...options });
  const whole = occlusion(model, x, { ...options, incremental: false });
  assert.equal(whole.computedBy, "whole images (incremental: false)");
  const a = fast.attributions.dataSync();
  const b = whole.attributions.dataSync();
  const peak = Math.max(...b.map(Math.abs));
  assert.ok(peak > 0, "the windows change the score");
  for (let i = 0; i < b.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= 1e-4 * peak, `element ${i}: ${a[i]} vs ${b[i]} (${fast.computedBy})`);
  }
  const how = fast.computedBy ?? "";
  fast.dispose();
  whole.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  return how;
}

const input = (shape: number[], seed: number) => tf.randomUniform(shape, 0, 1, "float32", seed);

test("ResNet-18 (64x64, seeded weights): crops through its stages give the whole-image attributions", () => {
  const model = models.resnet18({ inputShape: [64, 64, 3], classes: 10 });
  seedWeights(model, 7);
  const x = input([2, 64, 64, 3], 1);
  // 2 samples, a baseline tensor, chunks of 7 (the last one padded)
  const baseline = tf.fill([64, 64, 3], 0.5);
  const how = bothPaths(model, x, { window: [8, 8], strides: 8, baseline, perturbationsPerEval: 7 });
  assert.match(how, /^incremental: crops through /);
  tf.dispose([x, baseline]);
  model.dispose();
});

test("ResNet-18 at 224x224, 15x15 windows with stride 8: the plan crops through layer1 and layer2", () => {
  // planning reads configs and shapes only: no 784-window run here (the benchmark times it)
  const model = models.resnet18({ inputShape: [224, 224, 3], classes: 10, init: "zeros" });
  const x = tf.zeros([1, 224, 224, 3]) as tf.Tensor4D;
  const p = prepare(model, x, { targets: [0] }, "occlusion");
  const windows = slidingWindows([224, 224, 3], [15, 15], 8);
  const plan = planIncremental(p, windowBoxes(windows, 224, 3));
  assert.ok("levels" in plan, "reason" in plan ? plan.reason : "");
  assert.deepEqual(
    plan.levels.map((l) => l.node.name),
    ["layer1.0.add", "layer1.1.add", "layer2.0.add", "layer2.1.add"],
  );
  // the stem's crops are 72x72 (18 positions of layer1's stride-4 grid), every origin on that grid
  assert.deepEqual(plan.levels[0].crop, [72, 72]);
  assert.ok(plan.levels[0].origins.every(([y, x]) => y % 4 === 0 && x % 4 === 0));
  assert.ok(plan.estimate < 0.7, `estimate ${plan.estimate}`);
  // one window covering everything: nothing to save
  const whole = planIncremental(p, windowBoxes(slidingWindows([224, 224, 3], [224, 224], 1), 224, 3));
  assert.match("reason" in whole ? whole.reason : "", /^no split saves enough/);
  tf.dispose(x);
  model.dispose();
});

function paddedValidNet(): tf.LayersModel {
  const x = tf.input({ shape: [21, 19, 2] });
  let y = tf.layers
    .zeroPadding2d({
      padding: [
        [2, 1],
        [0, 3],
      ],
    })
    .apply(x) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu" }).apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, dilationRate: 2, activation: "relu" })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers.averagePooling2d({ poolSize: 2 }).apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 3, kernelSize: 3 }).apply(y) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3 }).apply(tf.layers.flatten().apply(y)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: out });
  seedWeights(model, 3);
  return model;
}

test("ZeroPadding2D and valid convolutions (dilated, pooled): same attributions, window on one channel", () => {
  const model = paddedValidNet();
  const x = input([1, 21, 19, 2], 2);
  const how = bothPaths(model, x, { window: [4, 3, 1], strides: [3, 2, 1], targets: [1] });
  assert.match(how, /^incremental/);
  tf.dispose(x);
  model.dispose();
});

/** 'same' stride-2 convolutions and a max pool with a skip branch merged by Add, then global pooling. */
function sameStridedNet(size: number): tf.LayersModel {
  const x = tf.input({ shape: [size, size, 3] });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 5, strides: 2, padding: "same" }).apply(x);
  const b = tf.layers.conv2d({ filters: 4, kernelSize: 1, strides: 2 }).apply(x);
  let y = tf.layers.add().apply([a, b] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  y = tf.layers.reLU().apply(y) as tf.SymbolicTensor;
  y = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: "same" }).apply(y) as tf.SymbolicTensor;
  y = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: "same", activation: "relu" })
    .apply(y) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: "same" }).apply(y) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(y);
  const model = tf.model({
    inputs: x,
    outputs: tf.layers.dense({ units: 4 }).apply(pooled) as tf.SymbolicTensor,
  });
  seedWeights(model, 5);
  return model;
}

test("'same' stride-2 convolutions and a strided skip branch: same attributions on even and odd sizes", () => {
  for (const size of [32, 27]) {
    const model = sameStridedNet(size);
    const x = input([1, size, size, 3], size);
    const how = bothPaths(model, x, { window: [5, 5], strides: 4, targets: [2] });
    // on 27 ('same' stride 2 on odd sizes) only crops whose paddings are the image's may be used: results must agree
    if (size === 32) assert.match(how, /^incremental/, how);
    tf.dispose(x);
    model.dispose();
  }
});

test("no split (Dense first) and a GraphModel: whole images, the reason said, results unchanged", async () => {
  const x0 = tf.input({ shape: [8, 8, 2] });
  let y = tf.layers.dense({ units: 3, activation: "relu" }).apply(x0) as tf.SymbolicTensor;
  y = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(y) as tf.SymbolicTensor;
  const denseFirst = tf.model({
    inputs: x0,
    outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.flatten().apply(y)) as tf.SymbolicTensor,
  });
  seedWeights(denseFirst, 9);
  const x = input([1, 8, 8, 2], 4);
  assert.match(
    bothPaths(denseFirst, x, { window: [3, 3], strides: 2 }),
    /^whole images \(no layer with a local receptive field/,
  );
  denseFirst.dispose();

  const seq = tf.sequential();
  seq.add(tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: "relu" }));
  seq.add(tf.layers.flatten());
  seq.add(tf.layers.dense({ units: 2 }));
  seedWeights(seq, 11);
  const graph = await models.freeze(seq);
  assert.equal(
    bothPaths(graph, x, { window: [3, 3], strides: 2 }),
    "whole images (receptive fields are analysed on LayersModels only)",
  );
  graph.dispose();
  seq.dispose();
  tf.dispose(x);
});

test('incremental takes "auto", true or false', () => {
  const model = sameStridedNet(32);
  const x = input([1, 32, 32, 3], 1);
  assert.throws(
    () => occlusion(model, x, { window: [4, 4], incremental: "yes" as never }),
    /incremental must be "auto", true or false, got yes/,
  );
  tf.dispose(x);
  model.dispose();
});

test("feeding a layer inside a nested model runs nothing before that model", () => {
  const model = models.resnet18({ inputShape: [32, 32, 3], classes: 3, init: "zeros" });
  const m = inspectModel(model);
  const fed = m.resolve("layer2/layer2.0/layer2.0.add");
  const value = tf.ones([2, 4, 4, 128]);
  // an input the stem could not take: were conv1 run, this would throw
  const wrong = tf.zeros([1, 5]);
  const before = tf.memory().numTensors;
  const { captured } = m.run([wrong], {
    feed: { node: fed, value },
    capture: [m.resolve("layer2/layer2.1/layer2.1.add")],
    capturesOnly: true,
  });
  assert.deepEqual(captured[0].shape, [2, 4, 4, 128]);
  tf.dispose(captured);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([value, wrong]);
  model.dispose();
});

test("crops that cannot sit on the image's stride grid are not used (30 → 15 → 8, 'same' stride 2)", () => {
  const x0 = tf.input({ shape: [30, 30, 1] });
  const c1 = tf.layers
    .conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: "same", name: "c1" })
    .apply(x0);
  // the costly layer, which a crop would save most on
  const c2 = tf.layers
    .conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: "same", name: "c2" })
    .apply(c1);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(c2);
  const model = tf.model({
    inputs: x0,
    outputs: tf.layers.dense({ units: 2 }).apply(pooled) as tf.SymbolicTensor,
  });
  seedWeights(model, 13);
  const x = input([1, 30, 30, 1], 6);
  const p = prepare(model, x, { targets: [0] }, "occlusion");
  const plan = planIncremental(p, windowBoxes(slidingWindows([30, 30, 1], [2, 2], 2), 30, 1), true);
  // c1's output is 15 wide: a crop of it reaching the last column would start at an odd position, off c2's
  // stride-2 grid (and pad 0 before where the image pads 1), so c2 is computed on the whole activation
  assert.ok("levels" in plan);
  assert.deepEqual(
    plan.levels.map((l) => l.node.name),
    ["c1"],
  );
  const how = bothPaths(model, x, { window: [2, 2], strides: 2, targets: [0] });
  assert.equal(how, "incremental: crops through c1, then whole activations");
  tf.dispose(x);
  model.dispose();
});
