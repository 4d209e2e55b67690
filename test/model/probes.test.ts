// Gradient probes of the model interface (RunOptions.probes): the gradient at a node's pre-activation output,
// handed over during the backward pass; checked on a LayersModel against the same network written with its
// activation as a separate layer, and the clear errors where a pre-activation output cannot be reached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { inspectModel } from "../../src/model";

function convNet(split: boolean): tf.LayersModel {
  const input = tf.input({ shape: [6, 6, 2] });
  const conv = tf.layers
    .conv2d({
      filters: 3,
      kernelSize: 3,
      activation: split ? "linear" : "relu",
      name: "conv",
      seed: 1,
    } as never)
    .apply(input) as tf.SymbolicTensor;
  const act = split ? (tf.layers.reLU({ name: "act" }).apply(conv) as tf.SymbolicTensor) : conv;
  const flat = tf.layers.flatten().apply(act) as tf.SymbolicTensor;
  const out = tf.layers
    // seeded: unseeded weights gave an all-zero gradient through the final ReLU on some runs
    .dense({
      units: 2,
      name: "dense",
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
    })
    .apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

test("a probe at a Conv2D with a fused relu receives dScore/dz before the relu", () => {
  const fused = convNet(false);
  const split = convNet(true);
  split.setWeights(fused.getWeights());
  const x = tf.randomUniform([2, 6, 6, 2], -1, 1, "float32", 5);
  const before = tf.memory().numTensors;
  const m = inspectModel(fused);
  let received: tf.Tensor | undefined;
  const probes = [{ node: m.resolve("conv"), receive: (g: tf.Tensor) => (received = g) }];
  const dx = tf.grad((v: tf.Tensor) => tf.sum(m.run([v], { probes }).outputs[0]))(x);
  // by hand: the split network's conv output is z; differentiate the rest with z fed
  const s = inspectModel(split);
  const z = s.run([x], { capture: [s.resolve("conv")], capturesOnly: true }).captured[0];
  const dz = tf.grad((v: tf.Tensor) =>
    tf.sum(s.run([x], { feed: { node: s.resolve("conv"), value: v } }).outputs[0]),
  )(z);
  assert.ok(received, "the probe received a gradient");
  const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(received as tf.Tensor, dz))).dataSync()[0]);
  assert.ok(diff < 1e-6, `max |difference| ${diff}`);
  assert.ok(tf.tidy(() => tf.sum(tf.abs(dz)).dataSync()[0]) > 0, "a non-trivial gradient");
  tf.dispose([dx, z, dz, received as tf.Tensor]);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("a probe before the activation of a layer that applies its own is a clear error; so are probes with guided", () => {
  const model = convNet(false);
  const m = inspectModel(model);
  const x = tf.zeros([1, 6, 6, 2]);
  const probes = [{ node: m.resolve("dense"), receive: () => undefined }];
  assert.throws(() => m.run([x], { probes }), /layer "dense" \(Dense\) applies its own activation/);
  assert.throws(() => m.run([x], { probes, guided: true }), /probes alone/);
  x.dispose();
});
