// A LayersModel's bias layers (FullGrad's terms): Conv2D layers with a bias and BatchNormalization layers whose
// output is a feature map, with the bias each adds before its activation (a batch normalisation's folded).
import { tf } from "../backend";
import type { Layer } from "../vision/layer-paths";

interface BiasInternals {
  bias?: { read(): tf.Tensor1D } | null;
  gamma?: { read(): tf.Tensor1D } | null;
  beta?: { read(): tf.Tensor1D } | null;
  movingMean: { read(): tf.Tensor1D };
  movingVariance: { read(): tf.Tensor1D };
  epsilon: number;
}

/** Whether the layer adds a per-channel bias to a 4-D feature map. */
export function isBiasLayer(layer: Layer): boolean {
  const name = layer.getClassName();
  const internals = layer as unknown as BiasInternals;
  return ((name === "Conv2D" && !!internals.bias) || name === "BatchNormalization") && isSpatial(layer);
}

function isSpatial(layer: Layer): boolean {
  try {
    const shape = layer.outputShape as unknown[];
    return shape.length === 4 && !Array.isArray(shape[0]);
  } catch {
    return false;
  }
}

/** The layer's bias as FullGrad uses it (BN folded into one per-channel offset), a new tensor. */
export function layerBias(layer: Layer): tf.Tensor1D {
  const l = layer as unknown as BiasInternals;
  if (layer.getClassName() === "Conv2D") return (l.bias as { read(): tf.Tensor1D }).read().clone();
  return tf.tidy(() => batchNormAffine(layer).shift);
}

/**
 * An inference-mode batch norm as the per-channel affine map it is, y = x·scale + shift: scale = γ/√(σ²+ε) and
 * shift = β − μ·scale (γ = 1 and β = 0 where the layer has none). New tensors.
 */
export function batchNormAffine(layer: Layer): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  const l = layer as unknown as BiasInternals;
  const scale = tf.div(
    l.gamma ? l.gamma.read() : tf.scalar(1),
    tf.sqrt(tf.add(l.movingVariance.read(), l.epsilon)),
  ) as tf.Tensor1D;
  const shift = tf.sub(
    l.beta ? l.beta.read() : tf.scalar(0),
    tf.mul(l.movingMean.read(), scale),
  ) as tf.Tensor1D;
  return { scale, shift };
}
