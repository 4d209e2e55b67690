// What a CAM explains: a class index per sample, or a function scoring each row of the model output
// (pytorch-grad-cam's target callables, batched). Scores are picked with a one-hot product, not gather: gather's
// gradient needs UnsortedSegmentSum, which the wasm backend lacks.
import { tf } from "../../backend";
import { inspectModel, type AnyModel } from "../../model";
import { classCountOfSource, resolveOutput } from "../../model/score-source";

/**
 * pytorch-grad-cam's model target: scores ONE sample's output (no batch axis) as a scalar, so that each image can
 * have its own. `category` (when it has one) is reported as the class explained.
 */
export interface CamTarget {
  (output: tf.Tensor): tf.Tensor;
  category?: number;
}

/**
 * Per sample, a class index or a target function of that sample's output (pytorch-grad-cam's list of targets);
 * or one function from the batched output [n, ...] to one score per row [n].
 */
export type CamTargets = (number | CamTarget)[] | ((output: tf.Tensor) => tf.Tensor);

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
    if (typeof c === "function") return;
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
  if (targets?.some((t) => typeof t === "function")) return perSampleTargets(targets);
  if (targets === undefined && output.rank !== 2) {
    throw new Error(
      `the default target (the top class) needs a [batch, classes] output; this model outputs [${output.shape}]: pass targets as a function`,
    );
  }
  const classes =
    (targets as number[] | undefined) ?? Array.from(tf.tidy(() => tf.argMax(output, 1).dataSync()));
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

/** A list with target functions: each row is scored by its own sample's target, one sample's output at a time. */
function perSampleTargets(targets: (number | CamTarget)[]): ResolvedTargets {
  const categories = targets.map((t) => (typeof t === "number" ? t : t.category));
  const classes = categories.every((c) => c !== undefined) ? (categories as number[]) : null;
  return {
    classes,
    score: (out, samples) =>
      tf.tidy(() => {
        const rows = samples.map((s, r) => {
          const row = tf.squeeze(tf.slice(out, r, 1), [0]);
          const target = targets[s];
          return typeof target === "number" ? pick(row, target) : callSampleTarget(target, row, s);
        });
        return tf.stack(rows) as tf.Tensor1D;
      }),
  };
}

function pick(row: tf.Tensor, category: number): tf.Tensor {
  if (row.rank !== 1) {
    throw new Error(
      `a class index target needs a [batch, classes] output; a sample's output is [${row.shape}]`,
    );
  }
  return tf.sum(tf.mul(row, tf.oneHot([category], row.shape[0]).reshape([row.shape[0]])));
}

function callSampleTarget(target: CamTarget, row: tf.Tensor, sample: number): tf.Tensor {
  const score = target(row);
  if (!(score instanceof tf.Tensor) || score.size !== 1) {
    const got = score instanceof tf.Tensor ? `shape [${score.shape}]` : typeof score;
    throw new Error(
      `the target of sample ${sample} must return one score (a scalar) for that sample's output [${row.shape}]; got ${got}`,
    );
  }
  return score.reshape([]);
}
