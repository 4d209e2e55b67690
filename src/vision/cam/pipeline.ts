// What every CAM method shares besides the pipeline itself (base.ts): the option names it checks, the input and
// layer checks, and the map arithmetic (scaling to the input, per-image min-max, channel sums).
import { tf } from "../../backend";
import type { InspectableModel, ModelNode } from "../../model";
import { spatialNodes } from "../../model/spatial";
import { withShapeHint } from "../../model/shape-hint";
import { firstComponentProjection } from "./projection";

export const COMPUTE_OPTIONS = ["targets", "augSmooth", "eigenSmooth"];

/**
 * Constructor options of the CAM family's methods. Comparing methods means passing one options object to each
 * (`for (const Method of Object.values(CAM_METHODS))`), so a sibling's option is let through unused; any other
 * name is an error (a typo such as "kernal", or another library's spelling).
 */
export const FAMILY_OPTIONS = [
  "batchSize",
  "onProgress",
  "maxChannels",
  "k",
  "kernel",
  "gamma",
  "degree",
  "coef0",
  "seed",
  "components",
  "classifier",
  "labels",
  "topK",
  "iterations",
  "baseMethod",
  "baseOptions",
  "alpha",
  "comparisonCategories",
];

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The input the maps are drawn over: the first one shaped [batch, height, width, channels]. */
export function imageInputOf(model: InspectableModel, method: string): number {
  const index = model.inputs.findIndex((s) => s.shape.length === 4);
  if (index < 0) {
    throw new Error(
      `${method} explains image inputs [batch, height, width, channels]; "${model.name}" takes ` +
        model.inputs.map((s) => `[${s.shape.map((d) => d ?? "batch")}]`).join(", "),
    );
  }
  return index;
}

export function checkSpatial(model: InspectableModel, layer: ModelNode, method: string): void {
  const shape = model.outputShape(layer);
  if (shape === null || shape.length === 4) return; // unknown until it runs: checked then
  const spatial = spatialNodes(model);
  throw new Error(
    `${method}: layer "${layer.name}" outputs ${JSON.stringify(shape)}, but a CAM needs a layer with spatial ` +
      `dimensions [batch, height, width, channels]; layers that have them: ${spatial.slice(-5).join(", ") || "none"}`,
  );
}

export function checkInput(expected: (number | null)[], input: tf.Tensor, method: string): tf.Tensor {
  if (!(input instanceof tf.Tensor))
    throw new TypeError(`${method}.compute needs an input tensor, got ${typeof input}`);
  const fits = input.rank === expected.length && expected.every((d, i) => d === null || d === input.shape[i]);
  if (!fits) {
    throw new RangeError(
      withShapeHint(
        `${method}.compute expects a batch of images shaped like the model input [${expected.map((d) => d ?? "batch")}], ` +
          `got [${input.shape}]`,
        input.shape,
        expected,
      ),
    );
  }
  return input;
}

/** ReLU → per-image min-max → bilinear resize to the input (one layer's share of a multi-layer map). */
export function scaleToInput(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = minMaxPerImage(tf.relu(raw));
    return tf.image
      .resizeBilinear(scaled.expandDims(3) as tf.Tensor4D, size, false, true)
      .squeeze([3]) as tf.Tensor3D;
  });
}

/** ReLU → per-image min-max → bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR) → min-max. */
export function normalizeAndResize(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => minMaxPerImage(scaleToInput(raw, size)));
}

/** x ← x − min; x ← x / (1e-7 + max), per image (pytorch-grad-cam's scale_cam_image). */
export function minMaxPerImage(maps: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const shifted = tf.sub(maps, tf.min(maps, [1, 2], true));
    return tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)) as tf.Tensor3D;
  });
}

/** Σ_k w_k A_k for weights [B,C] and activations [B,h,w,C]. */
export function weightedSum(activations: tf.Tensor4D, weights: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.sum(tf.mul(activations, weights.expandDims(1).expandDims(1)), 3) as tf.Tensor3D);
}

/** Per-channel values [B,h,w,C] → a map: their sum, or (eigenSmooth) their first principal component. */
export function reduceChannels(values: tf.Tensor4D, eigenSmooth: boolean): tf.Tensor3D {
  return eigenSmooth ? firstComponentProjection(values) : (tf.sum(values, 3) as tf.Tensor3D);
}
