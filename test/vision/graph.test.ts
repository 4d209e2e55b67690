import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { runModel } from "../../src/vision/graph";
import { layerPaths, resolveLayer } from "../../src/vision/layer-paths";
import {
  ALL_MODELS,
  modelFingerprint,
  seededInput,
  residualModel,
  nestedModel,
  sharedLayerModel,
  sequentialModel,
} from "./graph-models";

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

/** f(a) = Σ output·w with the layer's output replaced by a. */
function scoreWithSubstitute(model: tf.LayersModel, x: tf.Tensor, layer: string, w: tf.Tensor) {
  return (a: tf.Tensor) =>
    tf.sum(tf.mul(runModel(model, x, { substitute: { layer, value: a } }).outputs[0], w));
}

describe("runModel reproduces model.predict exactly", () => {
  for (const [name, build] of Object.entries(ALL_MODELS)) {
    test(name, () => {
      const model = build();
      const x = seededInput(2);
      const before = modelFingerprint(model);
      const expected = model.predict(x) as tf.Tensor;
      const tensorsBefore = tf.memory().numTensors;
      const { outputs, captured } = runModel(model, x);
      assert.equal(captured.length, 0);
      assert.equal(outputs.length, 1);
      assert.equal(tf.memory().numTensors, tensorsBefore + 1, "only the output tensor remains");
      assert.deepEqual(outputs[0].shape, expected.shape);
      assert.equal(maxAbsDiff(outputs[0], expected), 0);
      assert.equal(modelFingerprint(model), before, "the model's weights and nodes are unchanged");
      tf.dispose([x, expected, ...outputs]);
    });
  }
});

test("a Sequential that was never built or run is built as predict() would", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3, name: "fresh_conv" }),
      tf.layers.flatten(),
    ],
  });
  const x = seededInput(1);
  const { outputs, captured } = runModel(model, x, { capture: ["fresh_conv"] });
  const expected = model.predict(x) as tf.Tensor;
  assert.equal(maxAbsDiff(outputs[0], expected), 0);
  assert.deepEqual(captured[0].shape, [1, 6, 6, 2]);
  tf.dispose([x, expected, ...outputs, ...captured]);
});

test("captures an inner layer of a Sequential model, equal to a probe sub-model", () => {
  const model = sequentialModel();
  const x = seededInput(2);
  const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer("bn").output as tf.SymbolicTensor });
  const expected = probe.predict(x) as tf.Tensor;
  const { outputs, captured } = runModel(model, x, { capture: ["bn", 0] });
  assert.equal(maxAbsDiff(captured[0], expected), 0);
  assert.deepEqual(captured[1].shape, [2, 8, 8, 4]);
  tf.dispose([x, expected, ...outputs, ...captured]);
});

test("captures a layer inside a nested model by path and by unique name", () => {
  const model = nestedModel();
  const x = seededInput(1);
  const stem = tf.model({
    inputs: model.inputs,
    outputs: model.getLayer("stem").output as tf.SymbolicTensor,
  });
  const block = model.getLayer("block") as tf.LayersModel;
  const innerProbe = tf.model({
    inputs: block.inputs,
    outputs: block.getLayer("inner_conv").output as tf.SymbolicTensor,
  });
  const expected = tf.tidy(() => innerProbe.predict(stem.predict(x) as tf.Tensor) as tf.Tensor);
  const byPath = runModel(model, x, { capture: ["block/inner_conv"], stopAfterCapture: true });
  const byName = runModel(model, x, { capture: ["inner_conv"], stopAfterCapture: true });
  assert.equal(byPath.outputs.length, 0, "stopAfterCapture returns no outputs");
  assert.equal(maxAbsDiff(byPath.captured[0], expected), 0);
  assert.equal(maxAbsDiff(byName.captured[0], expected), 0);
  tf.dispose([x, expected, ...byPath.captured, ...byName.captured]);
});

test("a shared layer: capture returns its first call, substitution replaces every call", () => {
  const model = sharedLayerModel();
  const x = seededInput(1);
  const stemProbe = tf.model({
    inputs: model.inputs,
    outputs: model.getLayer("stem").output as tf.SymbolicTensor,
  });
  const shared = model.getLayer("shared");
  const expectedFirst = tf.tidy(() => shared.apply(stemProbe.predict(x) as tf.Tensor) as tf.Tensor);
  const first = runModel(model, x, { capture: ["shared"] });
  assert.equal(maxAbsDiff(first.captured[0], expectedFirst), 0);
  // With every call of "shared" replaced by v, the output depends on v only: GAP(v) → fc.
  const v = tf.randomUniform([1, 8, 8, 4], 0, 1, "float32", 9);
  const substituted = runModel(model, x, { substitute: { layer: "shared", value: v } });
  const expected = tf.tidy(() => model.getLayer("fc").apply(tf.mean(v, [1, 2])) as tf.Tensor);
  assert.ok(maxAbsDiff(substituted.outputs[0], expected) < 1e-6);
  tf.dispose([x, v, expectedFirst, expected, ...first.outputs, ...first.captured, ...substituted.outputs]);
});

describe("gradients at an inner layer match central finite differences", () => {
  const cases: [string, () => tf.LayersModel, string][] = [
    ["Sequential, linear conv", () => sequentialModel("tanh"), "c2"],
    ["inside a residual branch", () => residualModel("tanh"), "conv_a"],
    ["the residual trunk (feeds Add and conv_a)", () => residualModel("tanh"), "stem"],
    ["inside a nested model", () => nestedModel("tanh"), "block/inner_conv"],
    ["a nested model as a unit", () => nestedModel("tanh"), "block"],
  ];
  for (const [name, build, layer] of cases) {
    test(name, () => {
      const model = build();
      const x = seededInput(1);
      const w = tf.randomNormal([1, 3], 0, 1, "float32", 11);
      const a = runModel(model, x, { capture: [layer], stopAfterCapture: true }).captured[0];
      const f = scoreWithSubstitute(model, x, layer, w);
      const before = tf.memory().numTensors;
      const g = tf.grad(f)(a);
      assert.equal(tf.memory().numTensors, before + 1, "tf.grad leaves only the gradient");
      assert.ok(tf.tidy(() => tf.max(tf.abs(g)).dataSync()[0]) > 0, "the gradient is not zero");
      for (let k = 0; k < 3; k++) {
        const d = tf.randomNormal(a.shape, 0, 1, "float32", 20 + k);
        const eps = 1e-2;
        const [fd, analytic] = tf.tidy(() => {
          const plus = f(tf.add(a, tf.mul(d, eps))).dataSync()[0];
          const minus = f(tf.sub(a, tf.mul(d, eps))).dataSync()[0];
          return [(plus - minus) / (2 * eps), tf.sum(tf.mul(g, d)).dataSync()[0]];
        });
        assert.ok(Math.abs(fd - analytic) <= 1e-3 + 1e-2 * Math.abs(analytic), `${fd} vs ${analytic}`);
        d.dispose();
      }
      tf.dispose([x, w, a, g]);
    });
  }
});

test("input gradients through a linear-activation conv do not compute the filter gradient", async () => {
  const model = residualModel();
  const x = seededInput(1);
  const oneHot = tf.oneHot([1], 3);
  const score = (input: tf.Tensor) => tf.sum(tf.mul(runModel(model, input).outputs[0], oneHot));
  const walker = await tf.profile(() => tf.grad(score)(x));
  assert.ok(walker.kernelNames.includes("Conv2DBackpropInput"));
  assert.ok(!walker.kernelNames.includes("Conv2DBackpropFilter"), walker.kernelNames.join(","));
  // The trap the walker avoids: model.apply keeps linear convs fused, and their gradient computes filter gradients.
  const direct = await tf.profile(() =>
    tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.apply(input) as tf.Tensor, oneHot)))(x),
  );
  assert.ok(direct.kernelNames.includes("Conv2DBackpropFilter"));
  tf.dispose([x, oneHot, walker.result as tf.Tensor, direct.result as tf.Tensor]);
});

test("callLayer can replace how a layer runs", () => {
  const model = sequentialModel();
  const x = seededInput(1);
  const seen: string[] = [];
  const { outputs } = runModel(model, x, {
    callLayer: (layer, inputs, defaultCall) => {
      seen.push(layer.name);
      return layer.name === "act" ? tf.zerosLike(inputs[0]) : defaultCall();
    },
  });
  assert.deepEqual(seen, ["c1", "c2", "bn", "act", "pool", "flat", "logits"]);
  // Zero activations → the logits are the dense bias.
  const bias = model.getLayer("logits").getWeights()[1];
  assert.ok(maxAbsDiff(outputs[0], bias.expandDims(0)) < 1e-6);
  tf.dispose([x, ...outputs]);
});

describe("resolveLayer", () => {
  const model = nestedModel();
  test("by name, path, index and negative index", () => {
    assert.equal(resolveLayer(model, "stem").name, "stem");
    assert.equal(resolveLayer(model, "block/inner_add").name, "inner_add");
    assert.equal(resolveLayer(model, 1).name, "stem");
    assert.equal(resolveLayer(model, -1).name, "fc");
    assert.deepEqual(
      layerPaths(model).map((e) => e.path),
      ["img", "stem", "block", "block/inner_in", "block/inner_conv", "block/inner_add", "gap", "fc"],
    );
  });
  test("an unknown name lists the nearest names", () => {
    assert.throws(
      () => resolveLayer(model, "inner_cnv"),
      /no layer "inner_cnv" in model "nested"; nearest names: "block\/inner_conv"/,
    );
  });
  test("an index outside the model names the valid range", () => {
    assert.throws(
      () => resolveLayer(model, 8),
      /layer index 8 is outside model "nested", which has 5 layers \(0..4\)/,
    );
  });
  test("a wrong number of inputs is a clear error", () => {
    const x = seededInput(1);
    assert.throws(() => runModel(model, [x, x]), /takes 1 input\(s\), got 2 tensor\(s\)/);
    x.dispose();
  });
});

test("gradients pass a BatchNormalization without γ or β (Keras' scale=False, center=False)", () => {
  const net = (scale: boolean, center: boolean) => {
    const input = tf.input({ shape: [4, 4, 2] });
    const bn = tf.layers.batchNormalization({ name: "bn", scale, center, epsilon: 1e-3 });
    const out = tf.layers.flatten().apply(bn.apply(input)) as tf.SymbolicTensor;
    return tf.model({ inputs: input, outputs: out });
  };
  const x = tf.randomUniform([1, 4, 4, 2], -1, 1, "float32", 3);
  const mean = tf.tensor1d([0.5, -0.25]);
  const variance = tf.tensor1d([4, 0.25]);
  // without γ the gradient of Σ output is 1/√(σ² + ε) per channel, whatever β is
  const want = tf.tidy(() => tf.mul(tf.onesLike(x), tf.rsqrt(tf.add(variance, 1e-3))));
  for (const [scale, center] of [
    [false, true],
    [false, false],
    [true, false],
  ]) {
    const model = net(scale, center);
    const weights = [...(scale ? [tf.ones([2])] : []), ...(center ? [tf.zeros([2])] : []), mean, variance];
    model.getLayer("bn").setWeights(weights);
    const g = tf.grad((v: tf.Tensor) => tf.sum(runModel(model, v).outputs[0]))(x);
    assert.ok(maxAbsDiff(g, want) < 1e-6, `scale=${scale}, center=${center}`);
    g.dispose();
  }
});
