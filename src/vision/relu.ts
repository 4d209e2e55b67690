// Which layers end in a ReLU, and the value before it: guided backprop gates gradients after every ReLU, and
// activation maximisation climbs a filter's pre-ReLU value (a filter that is zero everywhere has no gradient).
import { tf } from "../backend";
import type { Layer } from "./layer-paths";

const RELU_NAMES = new Set(["relu", "relu6"]);
const reluCache = new WeakMap<Layer, boolean>();

/** Whether the layer ends in a ReLU: a ReLU layer, an Activation("relu"), or any layer with activation "relu". */
export function endsInRelu(layer: Layer): boolean {
  let known = reluCache.get(layer);
  if (known === undefined) {
    const config = layer.getConfig() as { activation?: unknown };
    known = layer.getClassName() === "ReLU" || RELU_NAMES.has(String(config.activation));
    reluCache.set(layer, known);
  }
  return known;
}

/** A ReLU layer without a cap, or Activation("relu"): y = max(z, 0) and nothing else. */
export function isPlainRelu(layer: Layer): boolean {
  const name = layer.getClassName();
  if (name === "ReLU") return (layer.getConfig() as { maxValue?: number | null }).maxValue == null;
  return (
    name === "Activation" && String((layer.getConfig() as { activation?: unknown }).activation) === "relu"
  );
}

/**
 * max(z, 0) whose gradient is dy·sign(y): two kernels back. tfjs's own relu gradient is dy·step(z), and
 * tfjs-node's `step` alone is six kernels over the whole activation (IsNan, Greater, two Fills, two Selects), the
 * costliest op of a ResNet's backward pass after the convolutions. Same values: sign(y) is 1 where z > 0, else 0.
 */
export const reluWithSignGradient = tf.customGrad(((z: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
  const y = tf.relu(z);
  save([y]);
  return { value: y, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.sign(saved[0])) };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (z: tf.Tensor) => tf.Tensor;

interface LinearInternals {
  kernel: { read(): tf.Tensor };
  bias: { read(): tf.Tensor } | null;
  strides: [number, number];
  padding: "valid" | "same";
  dilationRate: number | [number, number];
  dataFormat?: string;
}

/**
 * The layer's value before its ReLU, or undefined when it cannot be had without editing the layer: a ReLU
 * layer's input; a Conv2D's or Dense's affine part (channels-last). Other layers are left as they are.
 */
export function preRelu(layer: Layer, inputs: tf.Tensor[]): tf.Tensor | undefined {
  if (!endsInRelu(layer) || inputs.length !== 1) return undefined;
  const x = inputs[0];
  const className = layer.getClassName();
  if (className === "ReLU" || className === "Activation") return x;
  const l = layer as unknown as LinearInternals;
  if (className === "Conv2D" && x.rank === 4 && (l.dataFormat ?? "channelsLast") === "channelsLast") {
    const y = tf.conv2d(
      x as tf.Tensor4D,
      l.kernel.read() as tf.Tensor4D,
      l.strides,
      l.padding,
      "NHWC",
      l.dilationRate,
    );
    return l.bias ? tf.add(y, l.bias.read()) : y;
  }
  if (className === "Dense" && x.rank === 2) {
    const y = tf.matMul(x as tf.Tensor2D, l.kernel.read() as tf.Tensor2D);
    return l.bias ? tf.add(y, l.bias.read()) : y;
  }
  return undefined;
}
