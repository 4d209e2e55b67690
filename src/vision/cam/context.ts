// The shapes the CAM pipeline (base.ts) passes around: constructor and compute options, what a method sees of
// one layer's pass (CamContext), and one batch's explanation before it becomes a CamResult.
import type { tf } from "../../backend";
import type { ModelNode, NodeRef } from "../../model";
import type { OutputRef } from "../../model/score-source";
import type { CamTargets, ResolvedTargets } from "./targets";

/** Turns a layer's activations into [batch, height, width, channels] (e.g. a vision transformer's tokens). */
export type ReshapeTransform = (activations: tf.Tensor) => tf.Tensor;

export interface CamOptions {
  /**
   * The layer to explain: a name, an "outer/inner" path, an index, or a GraphModel node (full name, unique suffix,
   * name scope). Needs [B,h,w,C] output, or a `reshapeTransform` that makes it so. Or several, whose maps are
   * averaged after scaling to the input.
   */
  targetLayer: NodeRef | NodeRef[];
  /**
   * Applied to the layer's activations and to their gradients before the method sees them, as pytorch-grad-cam's
   * reshape_transform: token-shaped layers [B, tokens, C] become [B, h, w, C] (see `tokensToGrid`).
   */
  reshapeTransform?: ReshapeTransform;
  /**
   * What the targets score: an output index or name (default output 0), or an inner node such as the logits
   * before a final softmax (Grad-CAM's paper uses the score before the softmax).
   */
  output?: OutputRef;
}

export interface ComputeOptions {
  /**
   * A class index per sample, a target function per sample (see classifierOutputTarget and the others), or
   * one function scoring each output row. Default: each sample's top class.
   */
  targets?: CamTargets;
  /** Test-time augmentation: horizontal flips × brightness 0.9, 1, 1.1, maps averaged after un-flipping. */
  augSmooth?: boolean;
  /** Replace the channel sum by the first principal component of the weighted activations. */
  eigenSmooth?: boolean;
}

/** What a method sees: the batch, the layer's activations, gradients of the summed target scores, the targets. */
export interface CamContext {
  /** The image input the maps are drawn over (a model's first 4-D input), batched. */
  input: tf.Tensor4D;
  /** Every input of the model, batched, in input order (`input` is one of them). */
  inputs: tf.Tensor[];
  /** The layer's activations after `reshapeTransform`, [B,h,w,C]. */
  activations: tf.Tensor4D;
  /** The layer's own output as the model computes it (equal to `activations` without a reshapeTransform). */
  rawActivations: tf.Tensor;
  /** d(Σ target scores)/dA; only for methods with `usesGradients`. */
  gradients: tf.Tensor4D | null;
  /** The scored tensor: the chosen output (or node) for the batch. */
  output: tf.Tensor;
  targets: ResolvedTargets;
  /** The layer being explained (one of the method's target layers). */
  layer: ModelNode;
  /** compute(..., { eigenSmooth }): reduce channels by their first principal component instead of summing. */
  eigenSmooth: boolean;
}

/**
 * How a pass gets its targets from the scored output of the batch, read once in that same pass: the given
 * targets resolved (the default picks each sample's top class), or the first pass's targets reused as they are.
 */
export type TargetChooser = (output: tf.Tensor) => ResolvedTargets;

/** One explanation of a batch, before it becomes a CamResult. */
export interface Explanation {
  heatmap: tf.Tensor3D;
  raw: tf.Tensor3D;
  classes: number[] | null;
  scores: number[];
  /** The targets this explanation used, so that further passes (augmentations) explain the same ones. */
  targets: ResolvedTargets;
}
