// One target layer's pass through the model, for the CAM pipeline (base.ts): the layer's activations, the scored
// output and the targets chosen from it, and for gradient methods dScore/dA — all from ONE forward pass (and one
// backward pass of the layers after the target). Targets are chosen inside that pass, from its own output.
import { tf } from "../../backend";
import type { InspectableModel, ModelNode } from "../../model";
import { explainGradientFailure } from "../../model/gradient-errors";
import { runScored, type ScoreSource } from "../../model/score-source";
import type { ReshapeTransform, TargetChooser } from "./context";
import { range } from "./pipeline";
import type { ResolvedTargets } from "./targets";

/** A layer's pass: its output as the model computes it, dScore/dA (gradient methods), the output, the targets. */
export interface Forward {
  raw: tf.Tensor;
  rawGradients: tf.Tensor | null;
  output: tf.Tensor;
  targets: ResolvedTargets;
}

/** Where a pass runs: the model, what its targets score, and the method's name for errors. */
export interface PassSite {
  model: InspectableModel;
  scoreSource: ScoreSource;
  method: string;
}

/** The forward pass alone, the layer's output captured on the way. */
export function forwardOnly(
  site: PassSite,
  inputs: tf.Tensor[],
  layer: ModelNode,
  choose: TargetChooser,
): Forward {
  const { scored, captured } = runScored(site.model, inputs, site.scoreSource, { capture: [layer] });
  try {
    return { raw: captured[0], rawGradients: null, output: scored, targets: choose(scored) };
  } catch (error) {
    tf.dispose([scored, captured[0]]);
    throw error;
  }
}

/**
 * One pass: the layers up to the target run outside the gradient; the rest runs with the target's output fed
 * in, so tf.grad differentiates only the suffix, and never with respect to weights. The targets are chosen from
 * the suffix's output inside that same pass (e.g. Finer-CAM's look-alike classes), then differentiated.
 */
export function forwardWithGradients(
  site: PassSite,
  inputs: tf.Tensor[],
  layer: ModelNode,
  choose: TargetChooser,
  batch: number,
): Forward {
  const raw = site.model.run(inputs, { capture: [layer], capturesOnly: true }).captured[0];
  let output: tf.Tensor | undefined;
  let resolved: ResolvedTargets | undefined;
  let failure: unknown;
  const differentiate = tf.grad((a: tf.Tensor) => {
    // An exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it.
    try {
      const { scored } = runScored(site.model, inputs, site.scoreSource, { feed: { node: layer, value: a } });
      output = tf.keep(scored);
      resolved = choose(output);
      return tf.sum(resolved.score(output, range(batch)));
    } catch (error) {
      failure = error;
      return tf.sum(tf.mul(a, 0));
    }
  });
  let rawGradients: tf.Tensor;
  try {
    rawGradients = differentiate(raw);
  } catch (error) {
    tf.dispose([raw, ...(output ? [output] : [])]);
    throw explainGradientFailure(site.model, error, site.method);
  }
  if (failure !== undefined) {
    tf.dispose([raw, rawGradients, ...(output ? [output] : [])]);
    throw failure;
  }
  return { raw, rawGradients, output: output as tf.Tensor, targets: resolved as ResolvedTargets };
}

/** The pass's activations (and gradients) as a method sees them: through reshapeTransform, checked [B,h,w,C]. */
export function shapedForMethod(
  forward: Forward,
  layer: ModelNode,
  transform: ReshapeTransform | undefined,
  method: string,
): { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } {
  const apply = (t: tf.Tensor) => (transform ? tf.tidy(() => transform(t)) : t);
  const activations = apply(forward.raw);
  if (activations.rank !== 4) {
    if (activations !== forward.raw) activations.dispose();
    throw new Error(
      `${method}: ${transform ? "reshapeTransform returned" : `layer "${layer.name}" outputs`} ` +
        `[${activations.shape}], but a CAM needs [batch, height, width, channels]` +
        (transform
          ? ""
          : "; for token-shaped layers [batch, tokens, channels] pass a reshapeTransform (tokensToGrid)"),
    );
  }
  const gradients = forward.rawGradients ? apply(forward.rawGradients) : null;
  return { activations: activations as tf.Tensor4D, gradients: gradients as tf.Tensor4D | null };
}
