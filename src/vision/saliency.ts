// Gradient saliency: vanilla gradients (Simonyan et al. 2014), SmoothGrad (Smilkov et al. 2017), guided
// backpropagation (Springenberg et al. 2015) and Integrated Gradients (Sundararajan et al. 2017).
// Every method differentiates the model's own nodes (graph.ts), which run convolutions un-fused: tfjs's fused conv
// gradient also computes the filter gradient (21 s instead of 0.86 s on cpu, a missing kernel on wasm). Class
// scores are picked with a one-hot product, not gather (no gradient on wasm). Only d(score)/d(input) is taken.
import { tf } from "../backend";
import { tfjsSeed } from "../data/seeded-random";
import { runModel, type RunOptions } from "./graph";
import { endsInRelu } from "./relu";
import { batchInput } from "./model-input";
import {
  checkTargets,
  classCountOf,
  resolveTargets,
  type CamTargets,
  type ResolvedTargets,
} from "./cam/targets";
import { SaliencyResult } from "./saliency-result";
import { quadrature, type IntegrationMethod } from "./quadrature";

/** A class index for every sample, one per sample, or a function from the model output to one score per row. */
export type SaliencyTargets = number | CamTargets;

export interface SaliencyOptions {
  /** Default: each sample's top class. */
  targets?: SaliencyTargets;
  /** Rows per forward/backward pass for the methods that make many (default 16). */
  batchSize?: number;
}

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

/** Vanilla gradients: d(target score)/d(input), one backward pass for the batch. */
export function vanillaGradients(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: SaliencyOptions = {},
): SaliencyResult {
  return run(model, input, options, "vanilla gradients", (p) => ({
    attributions: batchGradients(model, p),
  }));
}

// ---------------------------------------------------------------------------------------------- guided backprop

/** Identity forward; backward lets only positive gradients through (the guided half of the rule). */
const positiveGradientsOnly = tf.customGrad(((y: tf.Tensor) => ({
  value: tf.clone(y),
  gradFunc: (dy: tf.Tensor) => tf.relu(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Guided ReLU backward: R · 1[x > 0] · 1[R > 0]. The layer's own ReLU gives 1[x > 0]; a gate after it gives
 * 1[R > 0]. Works on ReLU layers and on layers with a ReLU activation (conv, dense) alike; the model is untouched.
 */
const guidedCall: CallLayer = (layer, _inputs, defaultCall) => {
  const out = defaultCall();
  if (!endsInRelu(layer) || Array.isArray(out)) return out;
  return positiveGradientsOnly(out) as tf.Tensor;
};

/** Guided backpropagation: gradients where every ReLU also blocks negative incoming gradients. */
export function guidedBackprop(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: SaliencyOptions = {},
): SaliencyResult {
  return run(model, input, options, "guided backprop", (p) => ({
    attributions: batchGradients(model, p, guidedCall),
  }));
}

// ---------------------------------------------------------------------------------------------- SmoothGrad

export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies per sample (default 25). */
  samples?: number;
  /** Noise standard deviation as a fraction of each sample's value range, max − min (default 0.15, the paper's). */
  noiseLevel?: number;
  /** Seeds the noise: same seed, same result, whatever the batchSize (default 0). */
  seed?: number;
  /** "mean" of gradients (SmoothGrad), "squared" (mean of squares), "variance" (VarGrad). Default "mean". */
  aggregate?: "mean" | "squared" | "variance";
}

/** Noise for copy k of every sample: N(0, σ_b²), drawn from seed + k so that chunking never changes it. */
function noiseFor(x: tf.Tensor4D, sigma: tf.Tensor, seed: number, k: number): tf.Tensor4D {
  return tf.tidy(
    () => tf.mul(tf.randomNormal(x.shape, 0, 1, "float32", tfjsSeed(seed * 7919 + k)), sigma) as tf.Tensor4D,
  );
}

/** SmoothGrad: the average gradient over noisy copies of the input (seeded). */
export function smoothGrad(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: SmoothGradOptions = {},
): SaliencyResult {
  const copies = checkCount(options.samples, 25, "samples");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const level = options.noiseLevel ?? 0.15;
  if (!(level >= 0))
    throw new RangeError(`noiseLevel must be a non-negative fraction of the value range, got ${level}`);
  const aggregate = options.aggregate ?? "mean";
  if (!["mean", "squared", "variance"].includes(aggregate)) {
    throw new RangeError(`aggregate must be "mean", "squared" or "variance", got "${aggregate}"`);
  }
  const seed = options.seed ?? 0;
  return run(model, input, options, `SmoothGrad (${copies} samples, noise ${level})`, (p) => {
    const batch = p.x.shape[0];
    const sigma = tf.tidy(() => tf.sub(p.x.max([1, 2, 3], true), p.x.min([1, 2, 3], true)).mul(level));
    let sum: tf.Tensor4D = tf.zerosLike(p.x);
    let sumSq: tf.Tensor4D = tf.zerosLike(p.x);
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let k0 = 0; k0 < copies; k0 += perPass) {
      const ks = range(Math.min(perPass, copies - k0)).map((i) => k0 + i);
      const grads = tf.tidy(() => {
        const rows = tf.concat(ks.map((k) => tf.add(p.x, noiseFor(p.x, sigma, seed, k)) as tf.Tensor4D));
        const samples = ks.flatMap(() => range(batch));
        return inputGradients(model, rows, samples, p.targets).grads.reshape([ks.length, ...p.x.shape]);
      });
      const [nextSum, nextSq] = tf.tidy(() => [sum.add(grads.sum(0)), sumSq.add(grads.square().sum(0))]);
      tf.dispose([sum, sumSq, grads]);
      [sum, sumSq] = [nextSum as tf.Tensor4D, nextSq as tf.Tensor4D];
    }
    const attributions = tf.tidy(() => {
      const mean = sum.div(copies);
      const meanSq = sumSq.div(copies);
      return (
        aggregate === "mean" ? mean : aggregate === "squared" ? meanSq : meanSq.sub(mean.square())
      ) as tf.Tensor4D;
    });
    tf.dispose([sum, sumSq, sigma]);
    return { attributions };
  });
}

// ---------------------------------------------------------------------------------------------- Integrated Gradients

export interface IntegratedGradientsOptions extends SaliencyOptions {
  /** The reference input: a tensor like one sample or the batch, or a constant (default 0, captum's). */
  baseline?: tf.Tensor | number;
  /** Points on the path from baseline to input (default 50, captum's). */
  steps?: number;
  /** Default "gausslegendre", captum's. */
  method?: IntegrationMethod;
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

/**
 * Integrated Gradients: (x − x′) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x dα, by quadrature. `delta` reports completeness:
 * Σ attributions − (f(x) − f(x′)) per sample, which shrinks as `steps` grows.
 */
export function integratedGradients(
  model: tf.LayersModel,
  input: tf.Tensor,
  options: IntegratedGradientsOptions = {},
): SaliencyResult {
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas, weights } = quadrature(options.method ?? "gausslegendre", steps);
  return run(model, input, options, `Integrated Gradients (${steps} steps)`, (p) => {
    const batch = p.x.shape[0];
    const base = baselineFor(p.x, options.baseline);
    const diff = tf.sub(p.x, base) as tf.Tensor4D;
    let total: tf.Tensor4D = tf.zerosLike(p.x);
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 < steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps - s0)).map((i) => s0 + i);
      const next = tf.tidy(() => {
        const rows = tf.concat(ss.map((s) => tf.add(base, tf.mul(diff, alphas[s])) as tf.Tensor4D));
        const { grads } = inputGradients(
          model,
          rows,
          ss.flatMap(() => range(batch)),
          p.targets,
        );
        const w = tf.tensor1d(ss.map((s) => weights[s])).reshape([ss.length, 1, 1, 1, 1]);
        return total.add(
          grads
            .reshape([ss.length, ...p.x.shape])
            .mul(w)
            .sum(0),
        ) as tf.Tensor4D;
      });
      total.dispose();
      total = next;
    }
    const attributions = tf.tidy(() => tf.mul(diff, total) as tf.Tensor4D);
    const delta = completeness(model, p, base, attributions);
    tf.dispose([base, diff, total]);
    return { attributions, delta };
  });
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
