// The passes captum's attributions share: batch and check the input, resolve the targets, take d(score)/d(input)
// with an optional layer-call hook (DeepLIFT swaps each non-linearity's gradient through it), wrap the result.
// The hook reaches inside a LayersModel's own layers, so these attributions explain LayersModels only.
import { tf } from "../../backend";
import { runModel, type RunOptions } from "../graph";
import { batchInput } from "../model-input";
import { checkTargets, classCountOf, resolveTargets, type ResolvedTargets } from "../cam/targets";
import type { SaliencyOptions, SaliencyTargets } from "../saliency";
import { SaliencyResult } from "../saliency-result";

export type CallLayer = RunOptions["callLayer"];

export interface Prepared {
  x: tf.Tensor4D;
  owned: boolean;
  targets: ResolvedTargets;
  /** Each sample's target score on the input; unknown until a pass computes it. */
  scores?: number[];
}

/**
 * Batches and checks the input and resolves the targets. Only the default target (the top class) needs a forward
 * pass here; given classes are checked against the model's output shape without running it.
 */
export function prepare(
  model: tf.LayersModel,
  input: tf.Tensor,
  targets: SaliencyTargets | undefined,
): Prepared {
  const { x, batched } = batchInput(model, input);
  if (x.rank !== 4) {
    if (batched) x.dispose();
    throw new RangeError(
      `saliency needs image inputs [batch, height, width, channels]; got [${input.shape}]`,
    );
  }
  const batch = x.shape[0];
  const list = typeof targets === "number" ? new Array<number>(batch).fill(targets) : targets;
  try {
    const classCount = classCountOf(model);
    checkTargets(list, batch, classCount);
    if (list !== undefined && (typeof list === "function" || classCount !== null)) {
      // resolveTargets reads only the class count from the output when targets are given
      const shapeOnly = tf.zeros([0, classCount ?? 0]);
      const resolved = resolveTargets(list, shapeOnly);
      shapeOnly.dispose();
      return { x: x as tf.Tensor4D, owned: batched, targets: resolved };
    }
    const output = runModel(model, x).outputs;
    try {
      const resolved = resolveTargets(list, output[0]);
      const scores = Array.from(tf.tidy(() => resolved.score(output[0], range(batch)).dataSync()));
      return { x: x as tf.Tensor4D, owned: batched, targets: resolved, scores };
    } finally {
      tf.dispose(output);
    }
  } catch (error) {
    if (batched) x.dispose();
    throw error;
  }
}

/** The scores on the clean input, from a forward pass when no earlier pass gave them. */
export function cleanScores(model: tf.LayersModel, p: Prepared): number[] {
  if (!p.scores) {
    p.scores = tf.tidy(() => {
      const [output] = runModel(model, p.x).outputs;
      return Array.from(p.targets.score(output, range(p.x.shape[0])).dataSync());
    });
  }
  return p.scores;
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * d(Σ scores)/d(rows), rows being copies of samples `samples[r]`, in one backward pass; also the rows' scores,
 * which the same forward pass gives for free.
 */
export function inputGradients(
  model: tf.LayersModel,
  rows: tf.Tensor4D,
  samples: number[],
  targets: ResolvedTargets,
  callLayer?: CallLayer,
): { grads: tf.Tensor4D; rowScores: number[] } {
  let kept: tf.Tensor | undefined;
  const gradient = tf.grad((x: tf.Tensor) => {
    const [output] = runModel(model, x, { callLayer }).outputs;
    const scores = targets.score(output, samples);
    kept = tf.keep(scores.clone());
    return scores.sum();
  });
  const grads = tf.tidy(() => gradient(rows) as tf.Tensor4D);
  const rowScores = Array.from(kept!.dataSync());
  kept!.dispose();
  return { grads, rowScores };
}

/** Gradients for the batch itself (vanilla, guided), which also gives the clean scores. */
export function batchGradients(model: tf.LayersModel, p: Prepared, callLayer?: CallLayer): tf.Tensor4D {
  const { grads, rowScores } = inputGradients(model, p.x, range(p.x.shape[0]), p.targets, callLayer);
  p.scores ??= rowScores;
  return grads;
}

export function checkCount(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

export function finish(
  model: tf.LayersModel,
  prepared: Prepared,
  method: string,
  attributions: tf.Tensor4D,
  delta?: number[],
): SaliencyResult {
  const input = prepared.x;
  try {
    return new SaliencyResult({
      method,
      input,
      attributions,
      classes: prepared.targets.classes,
      scores: cleanScores(model, prepared),
      delta,
    });
  } finally {
    if (prepared.owned) input.dispose();
  }
}

export function run(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: SaliencyOptions,
  method: string,
  compute: (p: Prepared) => { attributions: tf.Tensor4D; delta?: number[] },
): SaliencyResult {
  const prepared = prepare(model, input, options.targets);
  let attributions: tf.Tensor4D | undefined;
  try {
    const out = compute(prepared);
    attributions = out.attributions;
    return finish(model, prepared, method, attributions, out.delta);
  } catch (error) {
    attributions?.dispose();
    if (prepared.owned) prepared.x.dispose();
    throw error;
  }
}

export function baselineFor(x: tf.Tensor4D, baseline: tf.Tensor | number | undefined): tf.Tensor4D {
  if (baseline === undefined || typeof baseline === "number")
    return tf.fill(x.shape, baseline ?? 0) as tf.Tensor4D;
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
export function completeness(
  model: tf.LayersModel,
  p: Prepared,
  base: tf.Tensor4D,
  attributions: tf.Tensor4D,
): number[] {
  const scores = cleanScores(model, p);
  return tf.tidy(() => {
    const [output] = runModel(model, base).outputs;
    const atBase = p.targets.score(output, range(p.x.shape[0]));
    const gap = tf.sub(tf.tensor1d(scores), atBase);
    return Array.from(tf.sub(attributions.sum([1, 2, 3]), gap).dataSync());
  });
}
