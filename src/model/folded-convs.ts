// Batch norms folded into the convolutions before them, for the layer walker. Walked layer by layer, a Conv2D →
// BatchNormalization → ReLU chain is three ops forward and, back, a transposed convolution plus the batch norm's
// and the ReLU's gradients. In inference mode a batch norm is an affine map per channel, so it folds into the
// convolution's kernel and bias (exact up to rounding): the chain becomes one fused convolution forward, and back
// one product with sign(y) and one transposed convolution. FullGrad's probed run uses this: the gradient at the
// batch norm's output, which its bias term needs, is that product. Inference-only walks (occlusion's crops) use
// the forward half.
import { tf } from "../backend";
import type { BatchNormInternals, Conv2DInternals, RunOptions as WalkOptions } from "../vision/graph";
import { layerPaths, type Layer } from "../vision/layer-paths";
import { isPlainRelu } from "../vision/relu";
import { batchNormAffine } from "./layer-bias";

type Receive = (gradient: tf.Tensor) => void;

/** One fused convolution: a Conv2D, the batch norm folded into it (if any) and a ReLU (if any, last). */
interface Unit {
  conv: Layer;
  batchNorm: Layer | null;
  relu: boolean;
}

/** Which layers fold into which units; depends only on the model's topology. */
export interface FoldPlan {
  /** A unit by the layer whose call runs it (its batch norm, else its convolution). */
  unitAt: Map<Layer, Unit>;
  /** Convolutions a batch norm runs, and ReLUs a unit applies: these layers pass their input on. */
  passThrough: Set<Layer>;
}

/** Folds every Conv2D (+ BatchNormalization) (+ ReLU) chain that no one else reads in between. */
export function planFolds(model: tf.LayersModel, touched: Set<Layer>): FoldPlan {
  const plan: FoldPlan = { unitAt: new Map(), passThrough: new Set() };
  for (const { layer } of layerPaths(model)) {
    if (!foldableConv(layer) || touched.has(layer)) continue;
    const next = soleConsumer(layer);
    const batchNorm =
      next && foldableBatchNorm(next) && !touched.has(next) && soleProducer(next) === layer ? next : null;
    const last = batchNorm ?? layer;
    const after = batchNorm ? soleConsumer(batchNorm) : null;
    const ownRelu = activationOf(layer) === "relu";
    const foldRelu =
      !ownRelu && after !== null && isPlainRelu(after) && !touched.has(after) && soleProducer(after) === last;
    if (batchNorm && ownRelu) continue; // conv → relu → batch norm is not a per-channel affine map of the conv
    plan.unitAt.set(last, { conv: layer, batchNorm, relu: ownRelu || foldRelu });
    if (batchNorm) plan.passThrough.add(layer);
    if (foldRelu && after) plan.passThrough.add(after);
  }
  return plan;
}

/**
 * The layer walker's hook for a probed run: units run fused, each hands the gradient at its probed layers' outputs
 * (before the ReLU) to their receivers; anything else is called as usual.
 * `receivers` by layer, for each layer's first call only (a shared layer's later calls are not probed).
 */
export function foldedCall(
  plan: FoldPlan,
  receivers: Map<Layer, Receive>,
  otherwise: (layer: Layer, inputs: tf.Tensor[], receive: Receive) => tf.Tensor | tf.Tensor[],
): NonNullable<WalkOptions["callLayer"]> {
  const called = new Set<Layer>();
  return (layer, inputs, defaultCall) => {
    const first = !called.has(layer);
    called.add(layer);
    if (plan.passThrough.has(layer)) return inputs[0];
    const unit = plan.unitAt.get(layer);
    if (unit) {
      const receive = (l: Layer | null) => (first && l ? receivers.get(l) : undefined);
      return runUnit(unit, inputs[0] as tf.Tensor4D, receive(unit.conv), receive(unit.batchNorm));
    }
    const receive = first ? receivers.get(layer) : undefined;
    if (receive) return otherwise(layer, inputs, receive);
    return defaultCall();
  };
}

/**
 * The walker's hook for a run nobody differentiates (an inference-only run that captures or feeds layers): units
 * run as one fused convolution each, one op per chain instead of three. The model's outputs are unchanged up to
 * rounding.
 */
export function foldedInferenceCall(plan: FoldPlan): NonNullable<WalkOptions["callLayer"]> {
  return (layer, inputs, defaultCall) => {
    if (plan.passThrough.has(layer)) return inputs[0];
    const unit = plan.unitAt.get(layer);
    if (unit) return tf.tidy(() => fusedForward(unit, inputs[0] as tf.Tensor4D));
    // no tape: a plain relu, without the custom gradient the walker gives it
    return isPlainRelu(layer) && inputs.length === 1 ? tf.relu(inputs[0]) : defaultCall();
  };
}

function fusedForward(unit: Unit, x: tf.Tensor4D, weights = foldedWeights(unit)): tf.Tensor4D {
  const conv = unit.conv as unknown as Conv2DInternals;
  const { filter, bias } = weights;
  const activation = unit.relu ? "relu" : "linear";
  return tf.fused.conv2d({ x, filter, bias, strides: conv.strides, pad: conv.padding, activation });
}

/** The unit's forward pass as one custom-gradient op (its saved tensors outlive the walker's tidy). */
function runUnit(unit: Unit, x: tf.Tensor4D, atConv?: Receive, atBatchNorm?: Receive): tf.Tensor {
  const conv = unit.conv as unknown as Conv2DInternals;
  const weights = foldedWeights(unit);
  const { filter, scale } = weights;
  const op = tf.customGrad(((input: tf.Tensor4D, save: (tensors: tf.Tensor[]) => void) => {
    const y = fusedForward(unit, input, weights);
    save([y, filter, scale ?? tf.scalar(1)]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [output, savedFilter, savedScale] = saved;
        // relu'(z) from y = relu(z): sign(y) is 1 where z > 0 and 0 elsewhere
        const dz = unit.relu ? tf.mul(dy, tf.sign(output)) : dy;
        atBatchNorm?.(tf.keep(dz.clone()));
        // z = (conv − mean)·scale + β, so d/dconv = d/dz · scale
        atConv?.(tf.keep(unit.batchNorm ? tf.mul(dz, savedScale) : dz.clone()));
        return tf.conv2dTranspose(
          dz as tf.Tensor4D,
          savedFilter as tf.Tensor4D,
          input.shape,
          conv.strides,
          conv.padding,
        );
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (input: tf.Tensor) => tf.Tensor;
  return op(x);
}

/** W·s and b·s + shift, with y = x·s + shift the batch norm: the batch norm folded into the convolution. */
function foldedWeights({ conv: layer, batchNorm }: Unit) {
  const conv = layer as unknown as Conv2DInternals;
  const kernel = conv.kernel.read();
  const bias = conv.bias?.read();
  if (!batchNorm) return { filter: kernel, bias, scale: null };
  const { scale, shift } = batchNormAffine(batchNorm);
  return {
    filter: tf.mul(kernel, scale) as tf.Tensor4D,
    bias: (bias ? tf.add(tf.mul(bias, scale), shift) : shift) as tf.Tensor1D,
    scale,
  };
}

function foldableConv(layer: Layer): boolean {
  if (layer.getClassName() !== "Conv2D" || layer.inboundNodes.length !== 1) return false;
  const conv = layer as unknown as Conv2DInternals;
  const dilation = [conv.dilationRate].flat();
  const activation = activationOf(layer);
  return (
    conv.rank === 2 &&
    conv.dataFormat === "channelsLast" &&
    dilation.every((d) => d === 1) && // tfjs's transposed convolution has no dilation
    (activation === "linear" || activation === "relu")
  );
}

function foldableBatchNorm(layer: Layer): boolean {
  if (layer.getClassName() !== "BatchNormalization" || layer.inboundNodes.length !== 1) return false;
  const axis = (layer as unknown as BatchNormInternals).axis;
  return axis === -1 || axis === 3;
}

function activationOf(layer: Layer): string {
  const activation = (layer as unknown as Conv2DInternals).activation;
  return activation ? activation.getClassName().toLowerCase() : "linear";
}

/** The one layer that reads this layer's one output, or null. */
function soleConsumer(layer: Layer): Layer | null {
  return layer.outboundNodes.length === 1 ? layer.outboundNodes[0].outboundLayer : null;
}

/** The one layer this layer reads, or null. */
function soleProducer(layer: Layer): Layer | null {
  const nodes = layer.inboundNodes;
  return nodes.length === 1 && nodes[0].inboundLayers.length === 1 ? nodes[0].inboundLayers[0] : null;
}
