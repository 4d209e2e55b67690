// models.freeze(model): a Sequential CNN as the frozen TensorFlow graph tfjs-converter would write for it (ops
// under one name scope per layer: "cnn/conv1/Conv2D", ".../BiasAdd", ".../Relu"; weights as constants), loaded as
// a GraphModel. Without Python's converter this is how a notebook or a test gets a GraphModel of a model it made.
import { tf } from "../backend";

type NodeJson = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };
type Weight = { name: string; shape: number[]; dtype: "float32" | "int32"; data: Float32Array | Int32Array };

const b64 = (text: string) => Buffer.from(text).toString("base64");
const ints = (values: number[]) => ({ list: { i: values.map(String) } });
const FLOAT = { type: "DT_FLOAT" };
const pair = (v: number | number[]) => (Array.isArray(v) ? v : [v, v]);

interface Emitted {
  nodes: NodeJson[];
  weights: Weight[];
  output: string;
}

/** A weight's values are copied out now: the model's own variables are neither kept nor disposed. */
function constNode(name: string, tensor: tf.Tensor, weights: Weight[]): NodeJson {
  const dtype = tensor.dtype === "int32" ? "int32" : "float32";
  weights.push({ name, shape: tensor.shape, dtype, data: tensor.dataSync() as Float32Array | Int32Array });
  return { name, op: "Const", attr: { dtype: { type: dtype === "int32" ? "DT_INT32" : "DT_FLOAT" } } };
}

const intConst = (values: number[]) => tf.tensor1d(values, "int32");

function activation(scope: string, name: string | undefined, input: string): NodeJson[] {
  if (!name || name === "linear") return [];
  const op = { relu: "Relu", relu6: "Relu6", softmax: "Softmax", sigmoid: "Sigmoid", tanh: "Tanh" }[name];
  if (!op) throw new Error(`models.freeze: activation "${name}" is not supported`);
  return [{ name: `${scope}/${op}`, op, input: [input], attr: { T: FLOAT } }];
}

/** The ops of one layer, reading `input`; returns them with the name of their last node. */
function emitLayer(layer: tf.layers.Layer, scope: string, input: string, weights: Weight[]): Emitted {
  const config = layer.getConfig() as Record<string, unknown>;
  const kind = layer.getClassName();
  const nodes: NodeJson[] = [];
  const add = (node: NodeJson) => (nodes.push(node), node.name);
  let last = input;
  const values = layer.getWeights();
  if (kind === "Conv2D" || kind === "Dense") {
    const isConv = kind === "Conv2D";
    add(constNode(`${scope}/kernel`, values[0], weights));
    last = add({
      name: `${scope}/${isConv ? "Conv2D" : "MatMul"}`,
      op: isConv ? "Conv2D" : "MatMul",
      input: [last, `${scope}/kernel`],
      attr: isConv
        ? {
            T: FLOAT,
            strides: ints([1, ...pair(config.strides as number), 1]),
            padding: { s: b64(String(config.padding).toUpperCase()) },
            data_format: { s: b64("NHWC") },
            dilations: ints([1, 1, 1, 1]),
          }
        : { T: FLOAT, transpose_a: { b: false }, transpose_b: { b: false } },
    });
    if (values[1]) {
      add(constNode(`${scope}/bias`, values[1], weights));
      last = add({
        name: `${scope}/BiasAdd`,
        op: "BiasAdd",
        input: [last, `${scope}/bias`],
        attr: { T: FLOAT },
      });
    }
    nodes.push(...activation(scope, config.activation as string, last));
  } else if (kind === "MaxPooling2D" || kind === "AveragePooling2D") {
    const size = pair(config.poolSize as number);
    const op = kind === "MaxPooling2D" ? "MaxPool" : "AvgPool";
    const strides = pair((config.strides as number) ?? size);
    const attr = {
      T: FLOAT,
      ksize: ints([1, ...size, 1]),
      strides: ints([1, ...strides, 1]),
      padding: { s: b64(String(config.padding).toUpperCase()) },
    };
    add({ name: `${scope}/${op}`, op, input: [last], attr });
  } else if (kind === "Flatten") {
    tf.tidy(() =>
      add(constNode(`${scope}/shape`, intConst([-1, (layer.outputShape as number[])[1]]), weights)),
    );
    add({ name: `${scope}/Reshape`, op: "Reshape", input: [last, `${scope}/shape`], attr: { T: FLOAT } });
  } else if (kind === "GlobalAveragePooling2D") {
    tf.tidy(() => add(constNode(`${scope}/axes`, intConst([1, 2]), weights)));
    add({
      name: `${scope}/Mean`,
      op: "Mean",
      input: [last, `${scope}/axes`],
      attr: { T: FLOAT, keep_dims: { b: false } },
    });
  } else if (kind === "ReLU" || kind === "Activation") {
    nodes.push(...activation(scope, kind === "ReLU" ? "relu" : (config.activation as string), last));
  } else if (kind !== "Dropout") {
    throw new Error(
      `models.freeze: layer "${layer.name}" (${kind}) is not supported; supported: Conv2D, Dense, pooling, Flatten, ReLU, Activation, Dropout`,
    );
  }
  return { nodes, weights, output: nodes.length > 0 ? nodes[nodes.length - 1].name : input };
}

/**
 * A Sequential model's layers as a frozen graph (Conv2D, Dense, pooling, Flatten, ReLU/Activation; Dropout is
 * left out, as in inference), loaded as a GraphModel with the same weights and outputs.
 */
export async function freeze(model: tf.Sequential): Promise<tf.GraphModel> {
  if (!(model instanceof tf.Sequential)) throw new TypeError("models.freeze takes a tf.Sequential model");
  const shape = model.inputs[0].shape.map((d) => ({ size: String(d ?? -1) }));
  const nodes: NodeJson[] = [
    { name: "input", op: "Placeholder", attr: { dtype: FLOAT, shape: { shape: { dim: shape } } } },
  ];
  const weights: Weight[] = [];
  let last = "input";
  for (const layer of model.layers) {
    const emitted = emitLayer(layer, `${model.name}/${layer.name}`, last, weights);
    nodes.push(...emitted.nodes);
    last = emitted.output;
  }
  nodes.push({ name: "Identity", op: "Identity", input: [last], attr: { T: FLOAT } });
  const data = weights.map((w) => Buffer.from(w.data.buffer, w.data.byteOffset, w.data.byteLength));
  const weightData = Buffer.concat(data);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: { node: nodes, versions: { producer: 1 } },
    format: "graph-model",
    generatedBy: "tensorscope models.freeze",
    convertedBy: null,
    weightSpecs: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })),
    weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
  };
  return tf.loadGraphModel(tf.io.fromMemory(artifacts));
}
