// The model zoo's ResNet-18 nests BasicBlock models inside Sequential stages: CAMs must reach into both levels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, models, GradCAM, LayerCAM } from "../../src/index";
import { modelFingerprint } from "./graph-models";

test("GradCAM on resnet18: a stage and its last block give the same map; the model is unchanged", () => {
  const model = models.resnet18({ inputShape: [64, 64, 3], classes: 5 });
  const fingerprint = modelFingerprint(model);
  const x = tf.randomUniform([2, 64, 64, 3], 0, 1, "float32", 3);
  const before = tf.memory().numTensors;
  for (const Method of [GradCAM, LayerCAM]) {
    const stage = new Method(model, { targetLayer: "layer4" }).compute(x, { targets: [1, 3] });
    const block = new Method(model, { targetLayer: "layer4/layer4.1" }).compute(x, { targets: [1, 3] });
    const inner = new Method(model, { targetLayer: "layer3/layer3.0/layer3.0.conv2" }).compute(x, {
      targets: [1, 3],
    });
    assert.deepEqual(stage.raw.shape, [2, 2, 2]);
    assert.deepEqual(inner.raw.shape, [2, 4, 4]);
    assert.deepEqual(stage.heatmap.shape, [2, 64, 64]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(stage.raw, block.raw))).dataSync()[0]);
    const scale = tf.tidy(() => tf.max(tf.abs(stage.raw)).dataSync()[0]);
    assert.ok(scale > 0 && diff <= 1e-5 * scale, `${Method.name}: ${diff} vs scale ${scale}`);
    [stage, block, inner].forEach((r) => r.dispose());
  }
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.equal(modelFingerprint(model), fingerprint);
  x.dispose();
  model.dispose();
});
