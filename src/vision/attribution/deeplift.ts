// DeepLIFT with the Rescale rule (Shrikumar et al. 2017), as captum's DeepLift: the gradient of the target score
// where every non-linearity's derivative is replaced by Δout/Δin between the input and the baseline (its ordinary
// derivative where |Δin| < 1e-10), and max-pooling by captum's rule; attribution = (x − x′) ⊙ that "gradient".
// The model is run twice through its own nodes: once on the baseline to record every non-linearity's input and
// output, once on the input under the tape with the rules swapped in (the model interface's node override), on
// LayersModels and GraphModels alike.
import { tf } from "../../backend";
import {
  GraphModelAdapter,
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelNode,
  type NodeOverride,
} from "../../model";
import { baselineFor, checkOptions, cleanScores, completeness, inputGradients, range, run } from "./common";
import {
  deepLiftKinds,
  layerOfNode,
  poolParams,
  splitGraphNode,
  splitLayer,
  type Kind,
  type PoolInternals,
} from "./deeplift-rules";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";

export interface DeepLiftOptions extends SaliencyOptions {
  /** The reference input: a constant (default 0, captum's), one sample or the batch. */
  baseline?: tf.Tensor | number;
}

interface Reference {
  input: tf.Tensor;
  output: tf.Tensor;
}

type Own = (inputs: tf.Tensor[]) => tf.Tensor;

/** A non-linear node's pre-activation and activation: split from a fused layer, or its input and its own op. */
function preAndAct(
  model: InspectableModel,
  node: ModelNode,
  kind: Kind,
  inputs: tf.Tensor[],
  own: Own,
): { pre: tf.Tensor; act: (z: tf.Tensor) => tf.Tensor } {
  if (kind === "fused") {
    return model instanceof GraphModelAdapter
      ? splitGraphNode(model, node, inputs[0])
      : splitLayer(layerOfNode(model, node), inputs);
  }
  return { pre: inputs[0], act: (z) => own([z, ...inputs.slice(1)]) };
}

/** The non-linearities' inputs and outputs on the baseline, per node call in run order. */
function referencePass(model: InspectableModel, base: tf.Tensor, kinds: Map<ModelNode, Kind>): Reference[] {
  const refs: Reference[] = [];
  const record: NodeOverride = {
    nodes: [...kinds.keys()],
    call: (node, inputs, own) => {
      const { pre, act } = preAndAct(model, node, kinds.get(node)!, inputs, own);
      const out = act(pre);
      refs.push({ input: tf.keep(pre), output: tf.keep(out) });
      return out;
    },
  };
  tf.dispose(model.run([base], { override: record }).outputs);
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

/**
 * captum's max-pool rule: route dy·(max(o, o′) − o′) back to the input's maxima and divide by Δin; the ordinary
 * max-pool gradient where |Δin| < 1e-10. Routing is tfjs's own MaxPoolGrad kernel.
 */
function rescaledPool(node: ModelNode, l: PoolInternals, x: tf.Tensor, ref: Reference): tf.Tensor {
  if (l.dataFormat !== "channelsLast" || x.rank !== 4) {
    throw new Error(`deepLift handles channels-last max-pooling only; node "${node.name}" is not`);
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
export function deepLift(model: AnyModel, input: tf.Tensor, options: DeepLiftOptions = {}): SaliencyResult {
  checkOptions(options, "deepLift", ["baseline"]);
  const m = inspectModel(model, "deepLift");
  return run(m, input, options, "deepLift", "DeepLift (rescale)", (p) => {
    const kinds = deepLiftKinds(m, p.source);
    const base = baselineFor(p.x, options.baseline);
    const refs = referencePass(m, base, kinds);
    let call = 0;
    const swap: NodeOverride = {
      nodes: [...kinds.keys()],
      call: (node, inputs, own) => {
        const kind = kinds.get(node)!;
        const ref = refs[call++];
        if (kind === "maxpool") return rescaledPool(node, poolParams(m, node), inputs[0], ref);
        const { pre, act } = preAndAct(m, node, kind, inputs, own);
        return rescaled(pre, act, ref);
      },
    };
    try {
      const grads = inputGradients(p, p.x, range(p.x.shape[0]), "deepLift", { override: swap }).grads;
      const attributions = tf.tidy(() => tf.mul(tf.sub(p.x, base), grads) as tf.Tensor4D);
      grads.dispose();
      cleanScores(p);
      const delta = completeness(p, base, attributions);
      return { attributions, delta };
    } finally {
      tf.dispose([base, ...refs.flatMap((r) => [r.input, r.output])]);
    }
  });
}
