// Which nodes DeepLIFT (deeplift.ts) treats how: linear (their gradient already is DeepLIFT's multiplier),
// element-wise activations (the Rescale rule), max-pooling (captum's pool rule), and layers with a fused
// activation (split into their linear part and the activation). Layers are classified by class and activation,
// graph ops by op; anything else is refused with an error naming the node.
import { tf } from "../../backend";
import { GraphModelAdapter, LayersModelAdapter, type InspectableModel, type ModelNode } from "../../model";
import type { ScoreSource } from "../../model/score-source";
import type { Layer } from "../layer-paths";

/** Layers that are linear (or the identity) at inference: their gradient already is DeepLIFT's multiplier. */
const LINEAR = new Set([
  "InputLayer",
  "Conv1D",
  "Conv2D",
  "Conv2DTranspose",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "Dense",
  "BatchNormalization",
  "Add",
  "Subtract",
  "Average",
  "Concatenate",
  "Flatten",
  "Reshape",
  "Permute",
  "ZeroPadding2D",
  "Cropping2D",
  "GlobalAveragePooling1D",
  "GlobalAveragePooling2D",
  "AveragePooling1D",
  "AveragePooling2D",
  "Dropout",
  "SpatialDropout1D",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
  "UpSampling2D",
  "RepeatVector",
  "Rescaling",
]);
/** Element-wise activations the Rescale rule applies to. */
const ELEMENTWISE = new Set([
  "relu",
  "relu6",
  "elu",
  "selu",
  "sigmoid",
  "tanh",
  "softplus",
  "softsign",
  "hardSigmoid",
  "swish",
  "mish",
  "gelu",
]);
const ACTIVATION_LAYERS = new Set(["ReLU", "LeakyReLU", "ELU", "ThresholdedReLU", "PReLU"]);
const MAX_POOLS = new Set(["MaxPooling2D"]);

export type Kind = "linear" | "activation" | "fused" | "maxpool";

function activationName(layer: Layer): string {
  return String((layer.getConfig() as { activation?: unknown }).activation ?? "linear");
}

/** How DeepLIFT treats the layer, or an error naming it and what is supported. */
function layerKind(layer: Layer): Kind {
  const name = layer.getClassName();
  const act = activationName(layer);
  if (name === "Activation") {
    if (act === "linear") return "linear";
    if (ELEMENTWISE.has(act)) return "activation";
  } else if (ACTIVATION_LAYERS.has(name)) return "activation";
  else if (MAX_POOLS.has(name)) return "maxpool";
  else if (LINEAR.has(name)) {
    if (act === "linear") return "linear";
    if (ELEMENTWISE.has(act) && (name === "Conv2D" || name === "Dense")) return "fused";
  }
  const what = act !== "linear" ? `${name} with activation "${act}"` : name;
  throw new Error(
    `deepLift cannot handle layer "${layer.name}" (${what}): it handles linear layers (${[...LINEAR].slice(0, 8).join(", ")}, …), ` +
      `the element-wise activations ${[...ELEMENTWISE].join(", ")} (as layers, or fused into Conv2D / Dense) and ` +
      `MaxPooling; for a softmax output, explain the logits (a model without the final softmax)`,
  );
}

interface ConvInternals {
  strides: [number, number];
  padding: "valid" | "same";
  dilationRate: number | [number, number];
  dataFormat: string;
}

interface Internals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  activation: { apply(x: tf.Tensor): tf.Tensor };
}

/** A fused layer split in its linear part and its activation. */
export function splitLayer(
  layer: Layer,
  inputs: tf.Tensor[],
): { pre: tf.Tensor; act: (z: tf.Tensor) => tf.Tensor } {
  const l = layer as unknown as Internals & { getClassName(): string };
  const act = (z: tf.Tensor) => l.activation.apply(z);
  if (layer.getClassName() === "Dense") {
    const x = inputs[0];
    let pre = tf.dot(x, l.kernel.read());
    if (l.bias) pre = tf.add(pre, l.bias.read());
    return { pre, act };
  }
  const c = layer as unknown as Internals & ConvInternals;
  if (c.dataFormat !== "channelsLast" || inputs[0].rank !== 4) {
    throw new Error(`deepLift handles channels-last Conv2D only; layer "${layer.name}" is ${c.dataFormat}`);
  }
  let pre: tf.Tensor = tf.conv2d(
    inputs[0] as tf.Tensor4D,
    c.kernel.read() as tf.Tensor4D,
    c.strides,
    c.padding,
    "NHWC",
    c.dilationRate,
  );
  if (c.bias) pre = tf.add(pre, c.bias.read());
  return { pre, act };
}

export interface PoolInternals {
  poolSize: [number, number];
  strides: [number, number];
  padding: "valid" | "same";
  dataFormat: string;
}

/** Graph ops that are linear at inference (a fused op is linear when it fuses only its bias). */
const GRAPH_LINEAR = new Set([
  "Conv2D",
  "DepthwiseConv2dNative",
  "Conv2DBackpropInput",
  "MatMul",
  "BatchMatMul",
  "BatchMatMulV2",
  "BiasAdd",
  "Add",
  "AddV2",
  "AddN",
  "Sub",
  "FusedBatchNorm",
  "FusedBatchNormV3",
  "Mean",
  "AvgPool",
  "Reshape",
  "Squeeze",
  "ExpandDims",
  "Pad",
  "PadV2",
  "MirrorPad",
  "ConcatV2",
  "Identity",
  "Transpose",
  "StridedSlice",
  "Slice",
  "ResizeNearestNeighbor",
]);
const GRAPH_FUSED = new Set(["_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul"]);
/** Graph ops that are element-wise activations, with their names in the error message. */
const GRAPH_ACTIVATIONS = new Set([
  "Relu",
  "Relu6",
  "Elu",
  "Selu",
  "Sigmoid",
  "Tanh",
  "Softplus",
  "Softsign",
  "LeakyRelu",
]);

/** How DeepLIFT treats a graph op (a Mul or RealDiv by a constant is linear), or an error naming it. */
function graphKind(model: GraphModelAdapter, node: ModelNode): Kind {
  const op = model.opOf(node);
  if (GRAPH_LINEAR.has(op.op)) return "linear";
  if (GRAPH_ACTIVATIONS.has(op.op)) return "activation";
  if (op.op === "MaxPool") return "maxpool";
  const constants = op.inputs.filter((i) => i.op === "Const").length;
  if ((op.op === "Mul" || op.op === "RealDiv") && constants === 1) return "linear";
  let detail = op.op;
  if (GRAPH_FUSED.has(op.op)) {
    const fused = (op.attrParams?.fusedOps?.value as string[] | undefined) ?? [];
    const activation = fused.filter((f) => f.toLowerCase() !== "biasadd");
    if (activation.length === 0) return "linear";
    if (activation.length === 1 && FUSED_ACTIVATIONS[activation[0]] && fusedSplittable(model, op))
      return "fused";
    detail = `${op.op} with the activation ${activation.join(", ")} fused into it`;
  }
  throw new Error(
    `deepLift cannot handle node "${op.name}" (${detail}): on a GraphModel it handles linear ops ` +
      `(${[...GRAPH_LINEAR].slice(0, 8).join(", ")}, …), the activations ${[...GRAPH_ACTIVATIONS].join(", ")} ` +
      `as separate ops or fused (${Object.keys(FUSED_ACTIVATIONS).join(", ")}) into ` +
      `${[...GRAPH_FUSED].join(", ")} with constant weights, and MaxPool; elsewhere use a method that needs no ` +
      "gradient rules (integratedGradients, gradientShap, occlusion)",
  );
}

type OpNode = ReturnType<GraphModelAdapter["opOf"]>;

/** Activations a converter fuses into a convolution or matmul, as tfjs names them in `fusedOps`. */
const FUSED_ACTIVATIONS: Record<string, (z: tf.Tensor, alpha: number) => tf.Tensor> = {
  relu: (z) => tf.relu(z),
  relu6: (z) => tf.relu6(z),
  elu: (z) => tf.elu(z),
  sigmoid: (z) => tf.sigmoid(z),
  leakyrelu: (z, alpha) => tf.leakyRelu(z, alpha),
};

/** A fused op is split when everything but its data input is a constant weight and its layout is NHWC. */
function fusedSplittable(model: GraphModelAdapter, op: OpNode): boolean {
  const [data, ...rest] = op.inputs;
  const format = String(op.attrParams?.dataFormat?.value ?? "NHWC").toUpperCase();
  return (
    data !== undefined &&
    data.op !== "Const" &&
    rest.every((i) => i.op === "Const" && model.source.weights[i.name]?.[0] !== undefined) &&
    format === "NHWC"
  );
}

/**
 * A converter's fused op (_FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul) split in its linear part,
 * computed here from its weights and attributes as tfjs's executor does, and its activation.
 */
export function splitGraphNode(
  model: GraphModelAdapter,
  node: ModelNode,
  x: tf.Tensor,
): { pre: tf.Tensor; act: (z: tf.Tensor) => tf.Tensor } {
  const op = model.opOf(node);
  const attr = (key: string) => op.attrParams?.[key]?.value;
  const [weight, bias] = op.inputs.slice(1).map((i) => model.source.weights[i.name][0]);
  const [extra, activation] = attr("fusedOps") as string[];
  let pre: tf.Tensor;
  if (op.op === "_FusedMatMul") {
    pre = tf.matMul(x as tf.Tensor2D, weight as tf.Tensor2D, !!attr("transposeA"), !!attr("transposeB"));
  } else {
    const strides = attr("strides") as number[];
    const dilations = (attr("dilations") as number[] | undefined) ?? [1, 1, 1, 1];
    let pad = attr("pad") as "valid" | "same" | "explicit" | number[];
    if (pad === "explicit") {
      const list = attr("explicitPaddings") as number[];
      pad = [0, 1, 2, 3].map((i) => [list[2 * i], list[2 * i + 1]]) as unknown as number[];
    }
    const conv = op.op === "_FusedConv2D" ? tf.conv2d : tf.depthwiseConv2d;
    pre = conv(x as tf.Tensor4D, weight as tf.Tensor4D, [strides[1], strides[2]], pad as "valid", "NHWC", [
      dilations[1],
      dilations[2],
    ]);
  }
  if (extra === "biasadd") pre = tf.add(pre, bias);
  const alpha = Number(attr("leakyreluAlpha") ?? 0.2);
  return { pre, act: (z) => FUSED_ACTIVATIONS[activation](z, alpha) };
}

/** The nodes the scored value is computed from (an inner node: those before it in execution order). */
function nodesScored(model: InspectableModel, source: ScoreSource): ModelNode[] {
  const nodes = model.nodes();
  if (source.node) return nodes.slice(0, nodes.indexOf(source.node) + 1);
  return nodes.filter((n) => model.outputDependsOn(n, source.outputIndex));
}

/** Every non-linear node DeepLIFT must rewrite, with its kind; an error names the first it cannot handle. */
export function deepLiftKinds(model: InspectableModel, source: ScoreSource): Map<ModelNode, Kind> {
  const kinds = new Map<ModelNode, Kind>();
  for (const node of nodesScored(model, source)) {
    let kind: Kind;
    if (model instanceof LayersModelAdapter) {
      const layer = model.layerOf(node);
      if ("nodesByDepth" in layer) continue; // nested models are walked into
      kind = layerKind(layer);
    } else if (model instanceof GraphModelAdapter) kind = graphKind(model, node);
    else throw new TypeError("deepLift needs a model made by inspectModel");
    if (kind !== "linear") kinds.set(node, kind);
  }
  return kinds;
}

/** A max-pool's window, strides and padding, from a layer's config or a graph op's attributes. */
export function poolParams(model: InspectableModel, node: ModelNode): PoolInternals {
  if (model instanceof GraphModelAdapter) {
    const attrs = model.opOf(node).attrParams ?? {};
    const k = attrs.kernelSize?.value as number[];
    const s = attrs.strides?.value as number[];
    const format = String(attrs.dataFormat?.value ?? "NHWC");
    return {
      poolSize: [k[1], k[2]],
      strides: [s[1], s[2]],
      padding: String(attrs.pad?.value).toLowerCase() as "valid" | "same",
      dataFormat: format === "NHWC" ? "channelsLast" : format,
    };
  }
  return (model as LayersModelAdapter).layerOf(node) as unknown as PoolInternals;
}

/** The layer behind a node of a LayersModel (fused layers are split with their internals). */
export function layerOfNode(model: InspectableModel, node: ModelNode): Layer {
  return (model as LayersModelAdapter).layerOf(node);
}
