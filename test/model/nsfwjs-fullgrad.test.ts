// FullGrad on the converted MobileNetV2 GraphModel of nsfwjs (fused _FusedConv2D / FusedDepthwiseConv2dNative nodes
// with a bias and a fused Relu6, or a bias alone). The map is checked against one computed by hand, node by node:
// ∂y/∂out of each bias node by feeding its output back to execute() under tf.grad, times Relu6'(out) where the
// node fuses one; the node's bias read from the graph's weights; pytorch-grad-cam's per-channel scaling written out.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf, FullGrad } from "../../src/index";
import { inspectModel } from "../../src/model";
import { loadNsfwjs, LOGITS } from "./nsfwjs-fixture";

let g: tf.GraphModel;
let x: tf.Tensor4D;

before(async () => {
  g = (await loadNsfwjs("mobilenet_v2_mid")) as tf.GraphModel;
  x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 11) as tf.Tensor4D;
});

/** Σ_k of each channel's map min-max scaled (the formula, not the library's faster product form). */
function scaledChannels(values: tf.Tensor4D): tf.Tensor3D {
  const shifted = tf.sub(values, tf.min(values, [1, 2], true));
  return tf.sum(tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)), 3) as tf.Tensor3D;
}

function toInput(map: tf.Tensor3D): tf.Tensor3D {
  if (map.shape[1] === 224) return map;
  return tf.image.resizeBilinear(map.expandDims(3) as tf.Tensor4D, [224, 224], false, true).squeeze([3]);
}

test("FullGrad on the GraphModel equals the map computed node by node with execute + tf.grad", () => {
  const start = tf.memory().numTensors;
  const target = 3;
  const result = new FullGrad(g, { output: LOGITS }).compute(x, { targets: [target] });
  const score = (logits: tf.Tensor) => tf.sum(tf.mul(logits, tf.oneHot([target], 5)));
  const m = inspectModel(g) as unknown as {
    order: {
      name: string;
      op: string;
      inputs: { name: string }[];
      attrParams: Record<string, { value: unknown }>;
    }[];
  };
  const biasOps = m.order.filter(
    (op) =>
      (op.op === "_FusedConv2D" || op.op === "FusedDepthwiseConv2dNative") &&
      (op.attrParams.fusedOps.value as string[])[0] === "biasadd",
  );
  assert.equal(biasOps.length, 52, "every fused conv of MobileNetV2 adds a bias");
  const expected = tf.tidy(() => {
    const inputGradient = tf.grad((v: tf.Tensor) => score(g.execute(v, LOGITS) as tf.Tensor))(x);
    let raw = scaledChannels(tf.abs(tf.mul(x, inputGradient)) as tf.Tensor4D);
    for (const op of biasOps) {
      const out = g.execute(x, op.name) as tf.Tensor4D;
      const dOut = tf.grad((o: tf.Tensor) =>
        score(g.execute({ input: x, [op.name]: o }, LOGITS) as tf.Tensor),
      )(out);
      const relu6 = (op.attrParams.fusedOps.value as string[])[1] === "relu6";
      const dz = relu6
        ? tf.mul(dOut, tf.cast(tf.logicalAnd(tf.greater(out, 0), tf.less(out, 6)), "float32"))
        : dOut;
      const bias = tf.reshape(g.weights[op.inputs[2].name][0].toFloat(), [-1]);
      raw = tf.add(raw, toInput(scaledChannels(tf.abs(tf.mul(dz, bias)) as tf.Tensor4D))) as tf.Tensor3D;
    }
    return raw;
  });
  assert.deepEqual(result.raw.shape, [1, 224, 224]);
  const [got, want] = [result.raw.dataSync(), expected.dataSync()];
  const scale = Math.max(...want);
  let worst = 0;
  want.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got[i]))));
  assert.ok(worst <= 1e-4 * scale, `max |difference| ${worst} of a map up to ${scale}`);
  expected.dispose();
  result.dispose();
  assert.equal(tf.memory().numTensors, start, "no tensor leaks");
});

test("FullGrad's bias nodes on the GraphModel are its fused convolutions, with the graph's biases", () => {
  const nodes = inspectModel(g).biasNodes();
  assert.equal(nodes.length, 52);
  assert.ok(nodes.every((b) => /^(_FusedConv2D|FusedDepthwiseConv2dNative)$/.test(b.node.kind)));
  const first = nodes[0].bias();
  assert.deepEqual(first.shape, [48]);
  first.dispose();
});
