// FullGrad's probed run on a LayersModel folds Conv2D → BatchNormalization → ReLU chains into one fused op
// (src/model/folded-convs.ts). Checked against the walked, unfolded network: the gradient at every bias layer's
// output (a layer fed with its own output and differentiated, which leaves it unfolded), the input gradient and
// the outputs; on a residual block with non-trivial batch-norm statistics and a convolution with its own bias.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { inspectModel } from "../../src/model";
import { planFolds } from "../../src/model/folded-convs";

type Sym = tf.SymbolicTensor;

function residualNet(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const seed = (s: number) => tf.initializers.glorotUniform({ seed: s });
  const conv = (
    name: string,
    filters: number,
    kernelSize: number,
    strides: number,
    useBias: boolean,
    s: number,
  ) =>
    tf.layers.conv2d({
      name,
      filters,
      kernelSize,
      strides,
      padding: "same",
      useBias,
      kernelInitializer: seed(s),
    });
  const bn = (name: string) => tf.layers.batchNormalization({ name, epsilon: 1e-3 });
  let h = conv("conv1", 4, 3, 2, true, 1).apply(input) as Sym;
  h = bn("bn1").apply(h) as Sym;
  h = tf.layers.reLU({ name: "relu1" }).apply(h) as Sym;
  h = conv("conv2", 4, 3, 1, false, 2).apply(h) as Sym;
  h = bn("bn2").apply(h) as Sym;
  let skip = conv("down", 4, 1, 2, false, 3).apply(input) as Sym;
  skip = bn("down_bn").apply(skip) as Sym;
  h = tf.layers.add({ name: "add" }).apply([h, skip]) as Sym;
  h = tf.layers.activation({ name: "relu2", activation: "relu" }).apply(h) as Sym;
  h = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(h) as Sym;
  const out = tf.layers.dense({ name: "fc", units: 3, kernelInitializer: seed(4) }).apply(h) as Sym;
  const model = tf.model({ inputs: input, outputs: out });
  // batch norms that are not the identity: γ, β, moving mean and variance all away from 1 and 0
  let s = 10;
  for (const name of ["bn1", "bn2", "down_bn"]) {
    const layer = model.getLayer(name);
    layer.setWeights(
      layer.getWeights().map((w, i) => {
        const v = tf.randomUniform(w.shape, 0.2, 1.5, "float32", s++);
        return i === 1 || i === 2 ? tf.sub(v, 0.8) : v; // β and the moving mean may be negative
      }),
    );
  }
  const convBias = model.getLayer("conv1").getWeights()[1];
  model
    .getLayer("conv1")
    .setWeights([
      model.getLayer("conv1").getWeights()[0],
      tf.randomNormal(convBias.shape, 0, 0.5, "float32", 20),
    ]);
  return model;
}

test("every conv → batch norm (→ relu) chain of the residual block is folded", () => {
  const plan = planFolds(residualNet(), new Set());
  const units = [...plan.unitAt.values()].map((u) => `${u.conv.name}+${u.batchNorm?.name}+${u.relu}`);
  assert.deepEqual(units.sort(), ["conv1+bn1+true", "conv2+bn2+false", "down+down_bn+false"]);
  assert.deepEqual([...plan.passThrough].map((l) => l.name).sort(), ["conv1", "conv2", "down", "relu1"]);
});

test("folded probes give the unfolded gradients at every bias layer, at the input, and the same outputs", () => {
  const model = residualNet();
  const m = inspectModel(model);
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, "float32", 7);
  const score = (out: tf.Tensor) => tf.sum(tf.mul(out, tf.tensor1d([1, -2, 0.5])));
  const before = tf.memory().numTensors;
  const biasNames = m.biasNodes().map((b) => b.node.name);
  assert.deepEqual(biasNames.sort(), ["bn1", "bn2", "conv1", "down_bn"]);
  const received = new Map<string, tf.Tensor>();
  const probes = m
    .biasNodes()
    .map((b) => ({ node: b.node, receive: (g: tf.Tensor) => received.set(b.node.name, g) }));
  let probedOut: tf.Tensor | undefined;
  const dx = tf.grad((v: tf.Tensor) => {
    const out = m.run([v], { probes }).outputs[0];
    probedOut = tf.keep(out.clone());
    return score(out);
  })(x);
  const plainOut = m.run([x]).outputs[0];
  const plainDx = tf.grad((v: tf.Tensor) => score(m.run([v]).outputs[0]))(x);
  const close = (a: tf.Tensor, b: tf.Tensor, what: string) => {
    const [diff, size] = tf.tidy(() =>
      [tf.max(tf.abs(tf.sub(a, b))), tf.max(tf.abs(b))].map((t) => t.dataSync()[0]),
    );
    assert.ok(size > 1e-3, `${what}: a non-trivial value`);
    assert.ok(diff <= 1e-5 * Math.max(1, size), `${what}: max |difference| ${diff} of values up to ${size}`);
  };
  close(probedOut as tf.Tensor, plainOut, "outputs");
  close(dx, plainDx, "input gradient");
  for (const name of biasNames) {
    const node = m.resolve(name);
    const z = m.run([x], { capture: [node], capturesOnly: true }).captured[0];
    const dz = tf.grad((v: tf.Tensor) => score(m.run([x], { feed: { node, value: v } }).outputs[0]))(z);
    assert.ok(received.has(name), `${name} received a gradient`);
    close(received.get(name) as tf.Tensor, dz, `gradient at ${name}`);
    tf.dispose([z, dz]);
  }
  tf.dispose([dx, plainDx, plainOut, probedOut as tf.Tensor, ...received.values()]);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("a captured layer is not folded away", () => {
  const model = residualNet();
  const plan = planFolds(model, new Set([model.getLayer("bn1")]));
  const units = [...plan.unitAt.values()].map((u) => `${u.conv.name}+${u.batchNorm?.name ?? "-"}+${u.relu}`);
  assert.deepEqual(units.sort(), ["conv1+-+false", "conv2+bn2+false", "down+down_bn+false"]);
});

test("an inference-only run that captures and feeds folds too, with the walked run's values", () => {
  const model = residualNet();
  const m = inspectModel(model);
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, "float32", 8);
  const before = tf.memory().numTensors;
  const capture = [m.resolve("relu1"), m.resolve("add")];
  const walked = m.run([x], { capture });
  const folded = m.run([x], { capture, inferenceOnly: true });
  const value = tf.mul(walked.captured[0], 0.5);
  const fedWalked = m.run([x], { feed: { node: m.resolve("relu1"), value } }).outputs[0];
  const fedFolded = m.run([x], { feed: { node: m.resolve("relu1"), value }, inferenceOnly: true }).outputs[0];
  const pairs: [tf.Tensor, tf.Tensor, string][] = [
    [folded.outputs[0], walked.outputs[0], "outputs"],
    [folded.captured[0], walked.captured[0], "relu1"],
    [folded.captured[1], walked.captured[1], "add"],
    [fedFolded, fedWalked, "outputs with relu1 fed"],
  ];
  for (const [got, want, what] of pairs) {
    const [diff, size] = tf.tidy(() =>
      [tf.max(tf.abs(tf.sub(got, want))), tf.max(tf.abs(want))].map((t) => t.dataSync()[0]),
    );
    assert.ok(
      size > 1e-3 && diff <= 1e-5 * Math.max(1, size),
      `${what}: max |difference| ${diff} of ${size}`,
    );
  }
  tf.dispose([...walked.outputs, ...walked.captured, ...folded.outputs, ...folded.captured]);
  tf.dispose([value, fedWalked, fedFolded]);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});
