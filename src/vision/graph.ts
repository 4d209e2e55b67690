// Runs a tfjs LayersModel's OWN nodes in depth order, eagerly, so that any inner layer's output can be captured
// or replaced by a given tensor (to differentiate with respect to it). Splitting the model into sub-models fails at
// Add layers and adds nodes to reused layers; tf.model over a nested model's inner layer is "Graph disconnected";
// model.execute throws on nested models. Walking the nodes works for all of them and never edits the model.
import type { Node } from "@tensorflow/tfjs-layers/dist/engine/topology";
import type { SymbolicTensor } from "@tensorflow/tfjs-layers/dist/engine/topology";
import { tf } from "../backend";
import {
  findLayer,
  isContainer,
  resolveLayer,
  type Container,
  type Layer,
  type LayerRef,
} from "./layer-paths";
import { isPlainRelu, reluWithSignGradient } from "./relu";

export interface RunOptions {
  /** Layers whose outputs to return, in this order (a shared layer: its first call). */
  capture?: LayerRef[];
  /** Use this tensor as the layer's output (every call of it), e.g. to take gradients with respect to it. */
  substitute?: { layer: LayerRef; value: tf.Tensor };
  /** Compute only what the captured layers need (feature maps): `outputs` is then empty. */
  stopAfterCapture?: boolean;
  /** Replaces how a layer is called, e.g. guided backprop re-implements ReLU gradients. */
  callLayer?: (
    layer: Layer,
    inputs: tf.Tensor[],
    defaultCall: () => tf.Tensor | tf.Tensor[],
  ) => tf.Tensor | tf.Tensor[];
}

export interface RunResult {
  outputs: tf.Tensor[];
  captured: tf.Tensor[];
}

interface Plan {
  capture: Layer[];
  captured: Map<Layer, tf.Tensor>;
  substitute?: { layer: Layer; value: tf.Tensor };
  callLayer?: RunOptions["callLayer"];
}

/**
 * Runs `model` on `inputs` in inference mode (training=false). The returned tensors belong to the caller;
 * everything computed in between is released.
 */
export function runModel(
  model: tf.LayersModel,
  inputs: tf.Tensor | tf.Tensor[],
  options: RunOptions = {},
): RunResult {
  const inputList = Array.isArray(inputs) ? inputs : [inputs];
  const container = model as unknown as Container;
  if (inputList.length !== container.inputs.length) {
    throw new Error(
      `model "${model.name}" takes ${container.inputs.length} input(s), got ${inputList.length} tensor(s)`,
    );
  }
  const plan: Plan = {
    capture: (options.capture ?? []).map((ref) => resolveLayer(model, ref)),
    captured: new Map(),
    substitute: options.substitute && {
      layer: resolveLayer(model, options.substitute.layer),
      value: options.substitute.value,
    },
    callLayer: options.callLayer,
  };
  return tf.tidy(() => {
    const outputs = walk(container, inputList, plan, !options.stopAfterCapture) ?? [];
    const captured = plan.capture.map((layer) => {
      const value = plan.captured.get(layer);
      if (!value) throw new Error(`layer "${layer.name}" was not reached while running "${model.name}"`);
      return value;
    });
    // Inputs and the substitute belong to the caller: hand back copies so that disposing results is always safe.
    const own = (t: tf.Tensor) => (inputList.includes(t) || t === plan.substitute?.value ? t.clone() : t);
    return { outputs: outputs.map(own), captured: captured.map(own) };
  });
}

type Values = Map<Layer, Map<number, tf.Tensor[]>>;

function walk(
  container: Container,
  inputs: tf.Tensor[],
  plan: Plan,
  needOutputs: boolean,
): tf.Tensor[] | null {
  // A Sequential builds its graph lazily (predict() does the same first); until then it has no nodes to walk.
  const lazy = container as unknown as { model?: unknown; build(): void };
  if (container instanceof tf.Sequential && lazy.model == null) lazy.build();
  const values: Values = new Map();
  container.inputs.forEach((symbolic, i) => {
    store(values, symbolic.sourceLayer, symbolic.nodeIndex, [inputs[i]]);
    remember(plan, symbolic.sourceLayer, inputs[i]);
  });
  const { needed, consumed, unfed } = plan_(container, plan, needOutputs);
  const depths = Object.keys(container.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  for (const depth of depths) {
    for (const node of container.nodesByDepth[depth]) {
      if (!needed.has(node) || node.inboundLayers.length === 0) continue;
      const layer = node.outboundLayer;
      const nodeIndex = layer.inboundNodes.indexOf(node);
      // a nested model that computes its outputs from the substitute alone is not given its inputs
      const inputs = () =>
        unfed.has(node) ? node.inboundLayers.map(() => plan.substitute!.value) : gatherInputs(values, node);
      const outputs =
        plan.substitute?.layer === layer
          ? [plan.substitute.value]
          : callNode(layer, inputs(), plan, consumed.has(node));
      store(values, layer, nodeIndex, outputs);
      remember(plan, layer, outputs[0]);
    }
  }
  if (!needOutputs) return null;
  return container.outputs.map((s: SymbolicTensor) =>
    lookup(values, s.sourceLayer, s.nodeIndex, s.tensorIndex),
  );
}

function callNode(layer: Layer, inputs: tf.Tensor[], plan: Plan, outputsNeeded: boolean): tf.Tensor[] {
  if (isContainer(layer)) return walk(layer, inputs, plan, outputsNeeded) ?? [];
  const defaultCall = () => callLayer(layer, inputs);
  const result = plan.callLayer ? plan.callLayer(layer, inputs, defaultCall) : defaultCall();
  return Array.isArray(result) ? result : [result];
}

/**
 * Which nodes must run: ancestors of the wanted outputs and of the captured layers, not looking past a substituted
 * layer. `consumed` are the nodes whose outputs something else needs (a nested model only wanted for a capture
 * inside it need not compute its own outputs).
 */
function plan_(
  container: Container,
  plan: Plan,
  needOutputs: boolean,
): { needed: Set<Node>; consumed: Set<Node>; unfed: Set<Node> } {
  const own = new Set(Object.values(container.nodesByDepth).flat());
  const needed = new Set<Node>();
  const consumed = new Set<Node>();
  const unfed = new Set<Node>();
  const visit = (node: Node, isConsumed: boolean) => {
    if (isConsumed) consumed.add(node);
    if (needed.has(node)) return;
    needed.add(node);
    if (plan.substitute?.layer === node.outboundLayer) return;
    if (plan.substitute && fedInside(node.outboundLayer, plan.substitute.layer)) {
      unfed.add(node);
      return;
    }
    node.inboundLayers.forEach((from, j) => visit(from.inboundNodes[node.nodeIndices[j]], true));
  };
  if (needOutputs) {
    for (const s of container.outputs) visit(s.sourceLayer.inboundNodes[s.nodeIndex], true);
  }
  const pending = plan.capture.filter((layer) => !plan.captured.has(layer));
  for (const node of own) {
    const layer = node.outboundLayer;
    if (pending.includes(layer)) visit(node, true);
    else if (isContainer(layer) && pending.some((c) => findLayer(layer, c))) visit(node, false);
  }
  return { needed, consumed, unfed };
}

/**
 * Whether `layer` is a nested model whose outputs depend on its inputs only through `substitute` (inside it, at
 * any depth): fed there, it needs nothing from outside, so what precedes it need not run.
 */
function fedInside(layer: Layer, substitute: Layer): boolean {
  if (!isContainer(layer) || !findLayer(layer, substitute)) return false;
  const seen = new Set<Node>();
  const readsInput = (node: Node): boolean => {
    if (seen.has(node)) return false;
    seen.add(node);
    const current = node.outboundLayer;
    if (current === substitute || fedInside(current, substitute)) return false;
    if (node.inboundLayers.length === 0) return true;
    return node.inboundLayers.some((from, j) => readsInput(from.inboundNodes[node.nodeIndices[j]]));
  };
  return !layer.outputs.some((s) => readsInput(s.sourceLayer.inboundNodes[s.nodeIndex]));
}

function gatherInputs(values: Values, node: Node): tf.Tensor[] {
  return node.inboundLayers.map((from, j) =>
    lookup(values, from, node.nodeIndices[j], node.tensorIndices[j]),
  );
}

function store(values: Values, layer: Layer, nodeIndex: number, outputs: tf.Tensor[]): void {
  let byNode = values.get(layer);
  if (!byNode) values.set(layer, (byNode = new Map()));
  byNode.set(nodeIndex, outputs);
}

function lookup(values: Values, layer: Layer, nodeIndex: number, tensorIndex: number): tf.Tensor {
  const value = values.get(layer)?.get(nodeIndex)?.[tensorIndex];
  if (!value) throw new Error(`internal: no value for ${layer.name}[${nodeIndex}][${tensorIndex}]`);
  return value;
}

function remember(plan: Plan, layer: Layer, value: tf.Tensor | undefined): void {
  if (value && plan.capture.includes(layer) && !plan.captured.has(layer)) plan.captured.set(layer, value);
}

/** What a tfjs-layers Conv2D holds (not in its public typings). */
export interface Conv2DInternals {
  rank: number;
  dataFormat: string;
  kernel: { read(): tf.Tensor4D };
  bias: { read(): tf.Tensor1D } | null;
  strides: [number, number];
  padding: "valid" | "same";
  dilationRate: number | [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor; getClassName(): string } | null;
}

/**
 * Calls one layer eagerly. A Conv2D is re-done un-fused: under a gradient tape tfjs keeps linear-activation convs
 * fused, and the fused op's gradient also computes the filter gradient (20x slower on cpu, missing on wasm).
 * `atPreActivation` sees (and may replace) the layer's output before its activation (gradient probes).
 */
export function callLayer(
  layer: Layer,
  inputs: tf.Tensor[],
  atPreActivation?: (z: tf.Tensor) => tf.Tensor,
): tf.Tensor | tf.Tensor[] {
  const x = inputs.length === 1 ? inputs[0] : inputs;
  if (layer.getClassName() === "Conv2D" && !Array.isArray(x) && x.rank === 4) {
    const conv = layer as unknown as Conv2DInternals;
    if (conv.rank === 2 && conv.dataFormat === "channelsLast") {
      let y: tf.Tensor = tf.conv2d(
        x as tf.Tensor4D,
        conv.kernel.read(),
        conv.strides,
        conv.padding,
        "NHWC",
        conv.dilationRate,
      );
      if (conv.bias) y = tf.add(y, conv.bias.read());
      if (atPreActivation) y = atPreActivation(y);
      if (!conv.activation) return y;
      return conv.activation.getClassName() === "relu" ? reluWithSignGradient(y) : conv.activation.apply(y);
    }
  }
  if (atPreActivation && hasActivation(layer)) {
    throw new Error(
      `layer "${layer.name}" (${layer.getClassName()}) applies its own activation: its pre-activation output ` +
        "cannot be reached without editing the model",
    );
  }
  if (!atPreActivation && !Array.isArray(x) && isPlainRelu(layer)) return reluWithSignGradient(x);
  const normalised = !Array.isArray(x) && batchNormWithAllInputs(layer, x);
  if (normalised) return atPreActivation ? atPreActivation(normalised) : normalised;
  const out = layer.apply(x, { training: false }) as tf.Tensor | tf.Tensor[];
  return atPreActivation && !Array.isArray(out) ? atPreActivation(out) : out;
}

function hasActivation(layer: Layer): boolean {
  const activation = (layer as unknown as { activation?: { getClassName?(): string } | null }).activation;
  return !!activation && activation.getClassName?.() !== "linear";
}

/** What a tfjs-layers BatchNormalization holds (not in its public typings). */
export interface BatchNormInternals {
  axis: number;
  gamma: { read(): tf.Tensor1D } | null;
  beta: { read(): tf.Tensor1D } | null;
  movingMean: { read(): tf.Tensor1D };
  movingVariance: { read(): tf.Tensor1D };
  epsilon: number;
}

/**
 * A BatchNormalization (channels last) without γ or β (Keras' `scale=False`, as in InceptionV3), in inference
 * mode, with ones or zeros in their place; false for any other layer. tfjs-layers passes the missing one on as
 * undefined, and tfjs's batchNorm gradient saves it for the backward pass, which then fails on every gradient
 * through the layer ("Cannot read properties of undefined (reading 'dataId')").
 */
function batchNormWithAllInputs(layer: Layer, x: tf.Tensor): tf.Tensor | false {
  if (layer.getClassName() !== "BatchNormalization") return false;
  const bn = layer as unknown as BatchNormInternals;
  if ((bn.gamma && bn.beta) || (bn.axis !== -1 && bn.axis !== x.rank - 1)) return false;
  const mean = bn.movingMean.read();
  return tf.tidy(() =>
    tf.batchNorm(
      x,
      mean,
      bn.movingVariance.read(),
      bn.beta ? bn.beta.read() : tf.zerosLike(mean),
      bn.gamma ? bn.gamma.read() : tf.onesLike(mean),
      bn.epsilon,
    ),
  );
}
