// DeepLIFT with the Rescale rule (Shrikumar et al. 2017), as captum's DeepLift: the gradient of the target score
// where every non-linearity's derivative is replaced by Δout/Δin between the input and the baseline (its ordinary
// derivative where |Δin| < 1e-10), and max-pooling by captum's rule; attribution = (x − x′) ⊙ that "gradient".
// The model is run twice through its own nodes: once on the baseline to record every non-linearity's input and
// output, once on the input under the tape with the rules swapped in (runModel's callLayer hook).
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { layersModelOf } from "../layers-only";
import { layerPaths, runModel, type Layer } from "../graph";
import { baselineFor, cleanScores, completeness, inputGradients, run, type CallLayer } from "./common";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";

export interface DeepLiftOptions extends SaliencyOptions {
  /** The reference input: a constant (default 0, captum's), one sample or the batch. */
  baseline?: tf.Tensor | number;
}

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

type Kind = "linear" | "activation" | "fused" | "maxpool";

function activationName(layer: Layer): string {
  return String((layer.getConfig() as { activation?: unknown }).activation ?? "linear");
}

/** How DeepLIFT treats the layer, or an error naming it and what is supported. */
function kindOf(layer: Layer): Kind {
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

function checkSupported(model: tf.LayersModel): Map<Layer, Kind> {
  const kinds = new Map<Layer, Kind>();
  for (const { layer } of layerPaths(model)) {
    if ("nodesByDepth" in layer) continue; // nested models are walked into
    kinds.set(layer, kindOf(layer));
  }
  return kinds;
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
function split(layer: Layer, inputs: tf.Tensor[]): { pre: tf.Tensor; act: (z: tf.Tensor) => tf.Tensor } {
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

interface Reference {
  input: tf.Tensor;
  output: tf.Tensor;
}

/** The non-linearities' inputs and outputs on the baseline, per layer call in run order. */
function referencePass(model: tf.LayersModel, base: tf.Tensor, kinds: Map<Layer, Kind>): Reference[] {
  const refs: Reference[] = [];
  const record: CallLayer = (layer, inputs, defaultCall) => {
    const kind = kinds.get(layer);
    if (kind === "fused") {
      const { pre, act } = split(layer, inputs);
      const out = act(pre);
      refs.push({ input: tf.keep(pre), output: tf.keep(out) });
      return out;
    }
    const out = defaultCall() as tf.Tensor;
    if (kind === "activation" || kind === "maxpool")
      refs.push({ input: tf.keep(inputs[0]), output: tf.keep(out) });
    return out;
  };
  tf.dispose(runModel(model, base, { callLayer: record }).outputs);
  return refs;
}

/**
 * act(z) forward; backward: dy·Δout/Δin, or act'(z)·dy where the input barely moved. act' is taken in the forward
 * pass: tfjs cannot open a gradient tape inside a custom gradient.
 */
function rescaled(z: tf.Tensor, act: (t: tf.Tensor) => tf.Tensor, ref: Reference): tf.Tensor {
  // act' outside the custom gradient: no tape can be opened inside one
  const derivative = tf.grad((u: tf.Tensor) => tf.sum(act(u)))(z);
  const fn = tf.customGrad(((t: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
    const value = act(t);
    // tensors the gradient needs must be saved: runModel's tidy frees everything else before backprop
    save([t, value, derivative]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, [t, value, local]: tf.Tensor[]) => {
        const dIn = tf.sub(t, ref.input);
        const dOut = tf.sub(value, ref.output);
        const small = tf.less(tf.abs(dIn), 1e-10);
        return tf.mul(dy, tf.where(small, local, tf.div(dOut, tf.where(small, tf.onesLike(dIn), dIn))));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(z) as tf.Tensor;
}

interface PoolInternals {
  poolSize: [number, number];
  strides: [number, number];
  padding: "valid" | "same";
  dataFormat: string;
}

/**
 * captum's max-pool rule: route dy·(max(o, o′) − o′) back to the input's maxima and divide by Δin; the ordinary
 * max-pool gradient where |Δin| < 1e-10. Routing is tfjs's own MaxPoolGrad kernel.
 */
function rescaledPool(layer: Layer, x: tf.Tensor, ref: Reference): tf.Tensor {
  const l = layer as unknown as PoolInternals;
  if (l.dataFormat !== "channelsLast" || x.rank !== 4) {
    throw new Error(`deepLift handles channels-last MaxPooling2D only; layer "${layer.name}" is not`);
  }
  const fn = tf.customGrad(((x: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
    const pooled = tf.maxPool(x as tf.Tensor4D, l.poolSize, l.strides, l.padding);
    save([x, pooled]);
    const routed = (g: tf.Tensor, t: tf.Tensor, value: tf.Tensor) =>
      tf
        .engine()
        .runKernel(
          "MaxPoolGrad",
          { dy: g, input: t, output: value },
          { filterSize: l.poolSize, strides: l.strides, pad: l.padding },
        ) as tf.Tensor;
    return {
      value: pooled,
      gradFunc: (dy: tf.Tensor, [t, value]: tf.Tensor[]) => {
        const dIn = tf.sub(t, ref.input);
        const small = tf.less(tf.abs(dIn), 1e-10);
        const lifted = routed(tf.mul(dy, tf.sub(tf.maximum(value, ref.output), ref.output)), t, value);
        return tf.where(small, routed(dy, t, value), tf.div(lifted, tf.where(small, tf.onesLike(dIn), dIn)));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return fn(x) as tf.Tensor;
}

/**
 * DeepLIFT (Rescale): (x − x′) ⊙ the modified gradient; `delta` = Σ attributions − (f(x) − f(x′)) per sample,
 * 0 up to rounding for networks of linear layers and element-wise activations (max-pooling may leave some).
 */
export function deepLift(
  anyModel: AnyModel,
  input: tf.Tensor,
  options: DeepLiftOptions = {},
): SaliencyResult {
  const model = layersModelOf(anyModel, "deepLift");
  const kinds = checkSupported(model);
  return run(model, input, options, "DeepLift (rescale)", (p) => {
    const base = baselineFor(p.x, options.baseline);
    const refs = referencePass(model, base, kinds);
    let call = 0;
    const swap: CallLayer = (layer, inputs, defaultCall) => {
      const kind = kinds.get(layer);
      if (kind === "fused") {
        const { pre, act } = split(layer, inputs);
        return rescaled(pre, act, refs[call++]);
      }
      if (kind === "activation")
        return rescaled(inputs[0], (z) => layer.apply(z, { training: false }) as tf.Tensor, refs[call++]);
      if (kind === "maxpool") return rescaledPool(layer, inputs[0], refs[call++]);
      return defaultCall();
    };
    try {
      const grads = tf.tidy(() => {
        call = 0;
        const samples = Array.from({ length: p.x.shape[0] }, (_, i) => i);
        return inputGradients(model, p.x, samples, p.targets, swap).grads;
      });
      const attributions = tf.tidy(() => tf.mul(tf.sub(p.x, base), grads) as tf.Tensor4D);
      grads.dispose();
      cleanScores(model, p);
      const delta = completeness(model, p, base, attributions);
      return { attributions, delta };
    } finally {
      tf.dispose([base, ...refs.flatMap((r) => [r.input, r.output])]);
    }
  });
}
