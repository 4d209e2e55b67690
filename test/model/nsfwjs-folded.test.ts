// Folded batch norms (src/model/folded-convs.ts) on real Keras models converted to LayersModels: nsfwjs'
// MobileNetV2 (Conv2D → BN → ReLU6, depthwise convolutions: only the Conv2D → BN pairs fold) and InceptionV3 (every
// Conv2D → BN(scale = false) → ReLU folds). A probed run's gradients at batch norms and at the input are checked
// against the unfolded walk: the batch norm fed with its own output and differentiated. Compared by relative L2
// norm with a loose bound (3%): a pre-activation within rounding of a ReLU6's kink falls either side after folding, and
// next to the input that moves a whole contribution (MobileNetV2's Conv1 → bn_Conv1, whose scales reach 33: 1e-3
// of the input gradient, while the fold of that one layer alone agrees to 1e-7). The tight check of the fold is
// test/model/folded-convs.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { inspectModel } from "../../src/model";
import { planFolds } from "../../src/model/folded-convs";
import { loadNsfwjs, type NsfwjsModel } from "./nsfwjs-fixture";

const relativeL2 = (got: tf.Tensor, want: tf.Tensor) =>
  tf.tidy(() => tf.div(tf.norm(tf.sub(got, want)), tf.norm(want)).dataSync()[0]);

const cases: { name: NsfwjsModel; size: number; units: number; withRelu: number; probed: string[] }[] = [
  {
    name: "mobilenet_v2",
    size: 224,
    units: 35,
    withRelu: 0,
    probed: ["bn_Conv1", "block_3_expand_BN", "block_6_project_BN", "Conv_1_bn"],
  },
  {
    name: "inception_v3",
    size: 299,
    units: 94,
    withRelu: 94,
    probed: ["batch_normalization_1", "batch_normalization_30", "batch_normalization_94"],
  },
];

for (const c of cases) {
  test(`${c.name}: the probed run folds its Conv2D → BN chains and gives the unfolded gradients`, async () => {
    const model = (await loadNsfwjs(c.name)) as tf.LayersModel;
    const units = [...planFolds(model, new Set()).unitAt.values()];
    assert.equal(units.filter((u) => u.batchNorm).length, c.units, "Conv2D → BN pairs folded");
    assert.equal(units.filter((u) => u.relu).length, c.withRelu, "with their ReLU");
    const m = inspectModel(model);
    const x = tf.randomUniform([1, c.size, c.size, 3], 0, 1, "float32", 12);
    const score = (out: tf.Tensor) => tf.sum(tf.mul(out, tf.oneHot([2], 5)));
    const before = tf.memory().numTensors;
    const received = new Map<string, tf.Tensor>();
    const probes = c.probed.map((name) => ({
      node: m.resolve(name),
      receive: (g: tf.Tensor) => received.set(name, g),
    }));
    const dx = tf.grad((v: tf.Tensor) => score(m.run([v], { probes }).outputs[0]))(x);
    const plainDx = tf.grad((v: tf.Tensor) => score(m.run([v]).outputs[0]))(x);
    const errors = [`input ${relativeL2(dx, plainDx).toExponential(1)}`];
    assert.ok(relativeL2(dx, plainDx) < 3e-2, `input gradient: relative L2 difference ${errors[0]}`);
    for (const name of c.probed) {
      const node = m.resolve(name);
      const z = m.run([x], { capture: [node], capturesOnly: true }).captured[0];
      const dz = tf.grad((v: tf.Tensor) => score(m.run([x], { feed: { node, value: v } }).outputs[0]))(z);
      const got = received.get(name);
      assert.ok(got, `${name} received a gradient`);
      const error = relativeL2(got, dz);
      assert.ok(error < 3e-2, `gradient at ${name}: relative L2 difference ${error}`);
      tf.dispose([z, dz]);
    }
    tf.dispose([dx, plainDx, ...received.values()]);
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
    x.dispose();
    model.dispose();
  });
}
