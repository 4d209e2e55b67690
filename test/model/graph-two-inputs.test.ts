// A GraphModel with two inputs (an image and a vector), as tfjs-converter writes one: inputs by name → tensor map
// or list, feature maps and a CAM on the image branch, attributions per input against tf.grads of execute.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf, featureMaps, GradCAM, vanillaGradients } from "../../src/index";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const FLOAT = { type: "DT_FLOAT" };
const INT = { type: "DT_INT32" };
const dims = (d: number[]) => ({ shape: { dim: d.map((size) => ({ size: String(size) })) } });
const ints = (values: number[]) => ({ list: { i: values.map(String) } });

const nodes = [
  { name: "image", op: "Placeholder", attr: { dtype: FLOAT, shape: dims([-1, 4, 4, 1]) } },
  { name: "meta", op: "Placeholder", attr: { dtype: FLOAT, shape: dims([-1, 2]) } },
  { name: "net/conv/kernel", op: "Const", attr: { dtype: FLOAT } },
  {
    name: "net/conv/Conv2D",
    op: "Conv2D",
    input: ["image", "net/conv/kernel"],
    attr: {
      T: FLOAT,
      strides: ints([1, 1, 1, 1]),
      padding: { s: b64("SAME") },
      data_format: { s: b64("NHWC") },
      dilations: ints([1, 1, 1, 1]),
    },
  },
  { name: "net/conv/Relu", op: "Relu", input: ["net/conv/Conv2D"], attr: { T: FLOAT } },
  { name: "net/pool/axes", op: "Const", attr: { dtype: INT } },
  {
    name: "net/pool/Mean",
    op: "Mean",
    input: ["net/conv/Relu", "net/pool/axes"],
    attr: { T: FLOAT, keep_dims: { b: false } },
  },
  { name: "net/concat/axis", op: "Const", attr: { dtype: INT } },
  {
    name: "net/concat/ConcatV2",
    op: "ConcatV2",
    input: ["net/pool/Mean", "meta", "net/concat/axis"],
    attr: { T: FLOAT, N: { i: "2" } },
  },
  { name: "net/dense/kernel", op: "Const", attr: { dtype: FLOAT } },
  {
    name: "net/dense/MatMul",
    op: "MatMul",
    input: ["net/concat/ConcatV2", "net/dense/kernel"],
    attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
  },
  { name: "Identity", op: "Identity", input: ["net/dense/MatMul"], attr: { T: FLOAT } },
];

let g: tf.GraphModel;
before(async () => {
  const values = (n: number, k: number) =>
    Float32Array.from({ length: n }, (_, i) => (((i * 7 + k) % 11) - 5) / 5);
  const weights = [
    { name: "net/conv/kernel", shape: [3, 3, 1, 2], dtype: "float32" as const, data: values(18, 1) },
    { name: "net/pool/axes", shape: [2], dtype: "int32" as const, data: Int32Array.from([1, 2]) },
    { name: "net/concat/axis", shape: [], dtype: "int32" as const, data: Int32Array.from([1]) },
    { name: "net/dense/kernel", shape: [4, 3], dtype: "float32" as const, data: values(12, 3) },
  ];
  const data = Buffer.concat(weights.map((w) => Buffer.from(w.data.buffer)));
  g = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node: nodes, versions: { producer: 1 } },
      format: "graph-model",
      weightSpecs: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
});

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test("a two-input GraphModel: feature maps, a CAM and attributions per input", () => {
  const image = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 1);
  const meta = tf.randomUniform([2, 2], -1, 1, "float32", 2);
  const start = tf.memory().numTensors;
  const maps = featureMaps(g, "conv", { image, meta });
  const expected = g.execute({ image, meta }, "net/conv/Relu") as tf.Tensor;
  assert.equal(maxAbs(maps.activations, expected), 0);
  tf.dispose([expected]);
  maps.dispose();
  const cam = new GradCAM(g, { targetLayer: "conv" }).compute({ image, meta }, { targets: [0, 2] });
  assert.deepEqual(cam.heatmap.shape, [2, 4, 4]);
  cam.dispose();
  const saliency = vanillaGradients(g, { image, meta }, { targets: [1, 2] });
  const [gi, gm] = tf.tidy(() =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(g.execute({ image: a, meta: b }, "Identity") as tf.Tensor, tf.oneHot([1, 2], 3))),
    )([image, meta]),
  );
  const order = g.inputs.map((s) => s.name);
  const [ai, am] = [
    saliency.inputAttributions[order.indexOf("image")],
    saliency.inputAttributions[order.indexOf("meta")],
  ];
  assert.ok(maxAbs(ai, gi) < 1e-6 && maxAbs(am, gm) < 1e-6);
  tf.dispose([gi, gm]);
  saliency.dispose();
  assert.equal(tf.memory().numTensors, start);
  tf.dispose([image, meta]);
});
