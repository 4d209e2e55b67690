// The passes captum's attributions share, written against the model interface (src/model/), so every method runs
// on LayersModels and GraphModels alike: batch and check the input, resolve the targets and what they score
// ({ output }), take d(score)/d(input) (optionally with run options such as DeepLIFT's node overrides), wrap the
// result.
import { tf } from "../../backend";
import { inspectModel, type AnyModel, type InspectableModel, type RunOptions } from "../../model";
import { explainGradientFailure } from "../../model/gradient-errors";
import { classCountOfSource, resolveOutput, runScored, type ScoreSource } from "../../model/score-source";
import { batchInput } from "../model-input";
import { checkTargets, resolveTargets, type ResolvedTargets } from "../cam/targets";
import { checkOptionNames } from "../cam/smoothing";
import type { SaliencyOptions } from "../saliency";
import { SaliencyResult } from "../saliency-result";

export interface Prepared {
  model: InspectableModel;
  source: ScoreSource;
  x: tf.Tensor4D;
  owned: boolean;
  targets: ResolvedTargets;
  /** Each sample's target score on the input; unknown until a pass computes it. */
  scores?: number[];
}

/** The options every attribution takes (SaliencyOptions). */
export const COMMON_OPTIONS = ["targets", "batchSize", "output"];

/** A misspelt or foreign option is an error naming the ones `method` knows. */
export function checkOptions(options: object | undefined, method: string, own: string[]): void {
  if (options === undefined) return;
  checkOptionNames(options, [...COMMON_OPTIONS, ...own], method);
}

/**
 * Batches and checks the input and resolves the targets. Only the default target (the top class) needs a forward
 * pass here; given classes are checked against the scored output's shape without running it.
 */
export function prepare(
  anyModel: AnyModel,
  input: tf.Tensor,
  options: SaliencyOptions,
  method: string,
): Prepared {
  const model = inspectModel(anyModel, method);
  const source = resolveOutput(model, options.output);
  const { x, batched } = batchInput(model, input);
  if (x.rank !== 4) {
    if (batched) x.dispose();
    throw new RangeError(
      `${method} needs image inputs [batch, height, width, channels]; got [${input.shape}]`,
    );
  }
  const batch = x.shape[0];
  const given = options.targets;
  const list = typeof given === "number" ? new Array<number>(batch).fill(given) : given;
  const base = { model, source, x: x as tf.Tensor4D, owned: batched };
  try {
    const classCount = classCountOfSource(source);
    checkTargets(list, batch, classCount);
    if (list !== undefined && (typeof list === "function" || classCount !== null)) {
      // resolveTargets reads only the class count from the output when targets are given
      const shapeOnly = tf.zeros([0, classCount ?? 0]);
      const targets = resolveTargets(list, shapeOnly);
      shapeOnly.dispose();
      return { ...base, targets };
    }
    const { scored, captured } = runScored(model, [x], source);
    tf.dispose(captured);
    try {
      const targets = resolveTargets(list, scored);
      const scores = Array.from(tf.tidy(() => targets.score(scored, range(batch)).dataSync()));
      return { ...base, targets, scores };
    } finally {
      scored.dispose();
    }
  } catch (error) {
    if (batched) x.dispose();
    throw error;
  }
}

/** The target scores [rows] on `rows` (copies of samples `samples[r]`). */
export function scoreRows(
  p: Prepared,
  rows: tf.Tensor,
  samples: number[],
  options: RunOptions = {},
): tf.Tensor1D {
  const { scored, captured } = runScored(p.model, [rows], p.source, options);
  tf.dispose(captured);
  return p.targets.score(scored, samples);
}

/** The scores on the clean input, from a forward pass when no earlier pass gave them. */
export function cleanScores(p: Prepared): number[] {
  p.scores ??= tf.tidy(() => Array.from(scoreRows(p, p.x, range(p.x.shape[0])).dataSync()));
  return p.scores;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * d f/d `at`. An error inside tf.grad would strand the tensors its tape saved, so a failure of `f` (a target
 * function of the wrong shape, say) is carried out of it and thrown once the tape is closed; a missing gradient
 * is explained with the node it belongs to.
 */
export function differentiate(
  p: Prepared,
  method: string,
  at: tf.Tensor,
  f: (x: tf.Tensor) => tf.Scalar,
): tf.Tensor {
  let failure: unknown;
  const gradient = tf.grad((x: tf.Tensor) => {
    try {
      return f(x);
    } catch (error) {
      failure = error;
      return tf.sum(tf.mul(x, 0));
    }
  });
  let result: tf.Tensor;
  try {
    result = tf.tidy(() => gradient(at));
  } catch (error) {
    throw explainGradientFailure(p.model, error, method);
  }
  if (failure !== undefined) {
    result.dispose();
    throw failure;
  }
  return result;
}

/**
 * d(Σ scores)/d(rows), rows being copies of samples `samples[r]`, in one backward pass; also the rows' scores,
 * which the same forward pass gives for free.
 */
export function inputGradients(
  p: Prepared,
  rows: tf.Tensor4D,
  samples: number[],
  method: string,
  options: RunOptions = {},
): { grads: tf.Tensor4D; rowScores: number[] } {
  let kept: tf.Tensor | undefined;
  const grads = differentiate(p, method, rows, (x) => {
    const scores = scoreRows(p, x, samples, options);
    kept = tf.keep(scores.clone());
    return scores.sum();
  }) as tf.Tensor4D;
  const rowScores = Array.from(kept!.dataSync());
  kept!.dispose();
  return { grads, rowScores };
}

/** Gradients for the batch itself, which also gives the clean scores. */
export function batchGradients(p: Prepared, method: string): tf.Tensor4D {
  const { grads, rowScores } = inputGradients(p, p.x, range(p.x.shape[0]), method);
  p.scores ??= rowScores;
  return grads;
}

export function checkCount(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function finish(
  p: Prepared,
  method: string,
  attributions: tf.Tensor4D,
  delta?: number[],
  computedBy?: string,
): SaliencyResult {
  try {
    return new SaliencyResult({
      method,
      input: p.x,
      attributions,
      classes: p.targets.classes,
      scores: cleanScores(p),
      delta,
      computedBy,
    });
  } finally {
    if (p.owned) p.x.dispose();
  }
}

/** Prepares, computes and wraps; `who` names the function in errors, `label` describes the result. */
export function run(
  model: AnyModel,
  input: tf.Tensor,
  options: SaliencyOptions,
  who: string,
  label: string,
  compute: (p: Prepared) => { attributions: tf.Tensor4D; delta?: number[]; computedBy?: string },
): SaliencyResult {
  const prepared = prepare(model, input, options, who);
  let attributions: tf.Tensor4D | undefined;
  try {
    const out = compute(prepared);
    attributions = out.attributions;
    return finish(prepared, label, attributions, out.delta, out.computedBy);
  } catch (error) {
    attributions?.dispose();
    if (prepared.owned) prepared.x.dispose();
    throw error;
  }
}

export function baselineFor(x: tf.Tensor4D, baseline: tf.Tensor | number | undefined): tf.Tensor4D {
  if (baseline === undefined || typeof baseline === "number")
    return tf.fill(x.shape, baseline ?? 0) as tf.Tensor4D;
  if (!(baseline instanceof tf.Tensor)) {
    throw new TypeError(`baseline must be a number or a tf.Tensor, got ${typeof baseline}`);
  }
  const fits =
    baseline.rank === 3
      ? baseline.shape.every((d, i) => d === x.shape[i + 1])
      : baseline.shape.every((d, i) => d === x.shape[i]) && baseline.rank === 4;
  if (!fits) {
    throw new RangeError(
      `baseline of shape [${baseline.shape}] does not fit the input [${x.shape}] (or one sample of it)`,
    );
  }
  return tf.tidy(() => tf.add(tf.zerosLike(x), baseline) as tf.Tensor4D);
}

/** Σ attributions − (f(x) − f(baseline)) per sample. */
export function completeness(p: Prepared, base: tf.Tensor4D, attributions: tf.Tensor4D): number[] {
  const scores = cleanScores(p);
  return tf.tidy(() => {
    const atBase = scoreRows(p, base, range(p.x.shape[0]));
    const gap = tf.sub(tf.tensor1d(scores), atBase);
    return Array.from(tf.sub(attributions.sum([1, 2, 3]), gap).dataSync());
  });
}
