// A small frozen graph (GraphDef JSON as the tfjs converter writes it) loaded from memory, so GraphModel summaries
// are tested without a converter or a download: conv (Conv2D+BiasAdd+Relu) → MaxPool → Reshape → dense
// (MatMul+BiasAdd) → Softmax, with hand-known sizes.
import { tf } from "../../src/index";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const shapeAttr = (dims: number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const FLOAT = { type: "DT_FLOAT" };

function constNode(name: string, dtype = "DT_FLOAT") {
  return { name, op: "Const", attr: { dtype: { type: dtype } } };
}

type NodeJson = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };

const nodes: NodeJson[] = [
  { name: "x", op: "Placeholder", attr: { dtype: FLOAT, shape: shapeAttr([-1, 8, 8, 3]) } },
  constNode("model/conv1/kernel"),
  constNode("model/conv1/bias"),
  {
    name: "model/conv1/Conv2D",
    op: "Conv2D",
    input: ["x", "model/conv1/kernel"],
    attr: {
      T: FLOAT,
      strides: ints([1, 1, 1, 1]),
      padding: { s: b64("SAME") },
      data_format: { s: b64("NHWC") },
      dilations: ints([1, 1, 1, 1]),
    },
  },
  {
    name: "model/conv1/BiasAdd",
    op: "BiasAdd",
    input: ["model/conv1/Conv2D", "model/conv1/bias"],
    attr: { T: FLOAT },
  },
  { name: "model/conv1/Relu", op: "Relu", input: ["model/conv1/BiasAdd"], attr: { T: FLOAT } },
  {
    name: "model/pool/MaxPool",
    op: "MaxPool",
    input: ["model/conv1/Relu"],
    attr: { T: FLOAT, ksize: ints([1, 2, 2, 1]), strides: ints([1, 2, 2, 1]), padding: { s: b64("VALID") } },
  },
  constNode("model/flatten/shape", "DT_INT32"),
  {
    name: "model/flatten/Reshape",
    op: "Reshape",
    input: ["model/pool/MaxPool", "model/flatten/shape"],
    attr: { T: FLOAT },
  },
  constNode("model/dense/kernel"),
  constNode("model/dense/bias"),
  {
    name: "model/dense/MatMul",
    op: "MatMul",
    input: ["model/flatten/Reshape", "model/dense/kernel"],
    attr: { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
  },
  {
    name: "model/dense/BiasAdd",
    op: "BiasAdd",
    input: ["model/dense/MatMul", "model/dense/bias"],
    attr: { T: FLOAT },
  },
  { name: "Identity", op: "Softmax", input: ["model/dense/BiasAdd"], attr: { T: FLOAT } },
];

const weights: { name: string; shape: number[]; dtype: "float32" | "int32"; values?: number[] }[] = [
  { name: "model/conv1/kernel", shape: [3, 3, 3, 4], dtype: "float32" },
  { name: "model/conv1/bias", shape: [4], dtype: "float32" },
  { name: "model/flatten/shape", shape: [2], dtype: "int32", values: [-1, 64] },
  { name: "model/dense/kernel", shape: [64, 5], dtype: "float32" },
  { name: "model/dense/bias", shape: [5], dtype: "float32" },
];

/** Conv 3×3×3→4 (112 params), dense 64→5 (325 params); 437 weights besides the 2 reshape target values. */
export { b64 };

export async function loadTinyGraphModel(
  edit: (graph: typeof nodes) => typeof nodes = (graph) => graph,
): Promise<tf.GraphModel> {
  const buffers = weights.map((w) => {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const values = w.values ?? Array.from({ length: count }, (_, i) => ((i % 7) - 3) / 10);
    return w.dtype === "int32" ? new Int32Array(values) : new Float32Array(values);
  });
  const weightData = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer)));
  const handler = tf.io.fromMemory({
    modelTopology: { node: edit(nodes.map((n) => ({ ...n }))), versions: { producer: 1 } },
    format: "graph-model",
    weightSpecs: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
  });
  return tf.loadGraphModel(handler);
}
