// What a CAM explains: a class index per sample, or a function scoring each row of the model output
// (pytorch-grad-cam's target callables, batched). Scores are picked with a one-hot product, not gather: gather's
// gradient needs UnsortedSegmentSum, which the wasm backend lacks.
import { tf } from "../../backend";
import { inspectModel, type AnyModel } from "../../model";
import { classCountOfSource, resolveOutput } from "../../model/score-source";

/** A class index per sample, or a function from the model output [n, ...] to one score per row [n]. */
export type CamTargets = number[] | ((output: tf.Tensor) => tf.Tensor);

/** Targets made concrete for one batch: the classes used (null for a function) and a row scorer. */
export interface ResolvedTargets {
  classes: number[] | null;
  /** Scores rows of an output; `samples[r]` is the batch sample that row r belongs to. */
  score(output: tf.Tensor, samples: number[]): tf.Tensor1D;
}

/** Checks targets that can be checked before running the model: count and class range. */
export function checkTargets(
  targets: CamTargets | undefined,
  batch: number,
  classCount: number | null,
): void {
  if (targets === undefined || typeof targets === "function") return;
  if (!Array.isArray(targets)) {
    throw new TypeError(
      `targets must be an array of class indices (one per sample) or a function of the model output, got ${typeof targets}`,
    );
  }
  if (targets.length !== batch) {
    throw new RangeError(
      `got ${targets.length} target(s) for a batch of ${batch}; give one class index per sample`,
    );
  }
  targets.forEach((c, i) => {
    const outside = classCount !== null && (c < 0 || c >= classCount);
    if (!Number.isInteger(c) || c < 0 || outside) {
      const range = classCount === null ? "a non-negative integer" : `an integer in 0..${classCount - 1}`;
      throw new RangeError(`target ${c} for sample ${i} is outside the model output: expected ${range}`);
    }
  });
}

/** The model's class count if its first output is [batch, classes], else null. */
export function classCountOf(model: AnyModel): number | null {
  return classCountOfSource(resolveOutput(inspectModel(model), 0));
}

/** Resolves targets against the clean output of the batch (the default is each sample's top class). */
export function resolveTargets(targets: CamTargets | undefined, output: tf.Tensor): ResolvedTargets {
  if (typeof targets === "function")
    return { classes: null, score: (out, samples) => callTarget(targets, out, samples) };
  if (targets === undefined && output.rank !== 2) {
    throw new Error(
      `the default target (the top class) needs a [batch, classes] output; this model outputs [${output.shape}]: pass targets as a function`,
    );
  }
  const classes = targets ?? Array.from(tf.tidy(() => tf.argMax(output, 1).dataSync()));
  const classCount = output.shape[1] ?? 0;
  return {
    classes,
    score: (out, samples) =>
      tf.tidy(() => {
        const oneHot = tf.oneHot(
          samples.map((s) => classes[s]),
          classCount,
        );
        return tf.sum(tf.mul(out, oneHot), 1) as tf.Tensor1D;
      }),
  };
}

function callTarget(fn: (output: tf.Tensor) => tf.Tensor, out: tf.Tensor, samples: number[]): tf.Tensor1D {
  const scores = fn(out);
  if (!(scores instanceof tf.Tensor) || scores.rank !== 1 || scores.shape[0] !== samples.length) {
    const got = scores instanceof tf.Tensor ? `shape [${scores.shape}]` : typeof scores;
    throw new Error(
      `a target function must return one score per output row, shape [${samples.length}]; got ${got}`,
    );
  }
  return scores as tf.Tensor1D;
}
