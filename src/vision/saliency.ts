// Gradient saliency: vanilla gradients (Simonyan et al. 2014), SmoothGrad (Smilkov et al. 2017), guided
// backpropagation (Springenberg et al. 2015) and Integrated Gradients (Sundararajan et al. 2017).
// Every method differentiates through the model interface (src/model/): a LayersModel's own nodes (convolutions
// un-fused: tfjs's fused conv gradient also computes the filter gradient, 21 s instead of 0.86 s on cpu) or a
// GraphModel's executor. Class scores are picked with a one-hot product, not gather (no gradient on wasm). Only
// d(score)/d(inputs) is taken; a model with several inputs gets attributions for each (`inputAttributions`).
import { tf } from "../backend";
import { tfjsSeed } from "../data/seeded-random";
import { inspectModel, type AnyModel, type InspectableModel, type ModelInputs } from "../model";
import { batchInputs } from "../model/inputs";
import { explainGradientFailure } from "../model/gradient-errors";
import {
  classCountOfSource,
  resolveOutput,
  runScored,
  type OutputRef,
  type ScoreSource,
} from "../model/score-source";
import { checkTargets, resolveTargets, type CamTargets, type ResolvedTargets } from "./cam/targets";
import { SaliencyResult } from "./saliency-result";
import { quadrature, type IntegrationMethod } from "./quadrature";

/** A class index for every sample, one per sample, or a function from the model output to one score per row. */
export type SaliencyTargets = number | CamTargets;

export interface SaliencyOptions {
  /** Default: each sample's top class. */
  targets?: SaliencyTargets;
  /** Rows per forward/backward pass for the methods that make many (default 16). */
  batchSize?: number;
  /** What the targets score: an output index or name (default 0), or an inner node such as the logits. */
  output?: OutputRef;
}

interface Prepared {
  model: InspectableModel;
  source: ScoreSource;
  xs: tf.Tensor[];
  /** Index of the image input (the one the picture shows). */
  image: number;
  added: tf.Tensor[];
  targets: ResolvedTargets;
  guided: boolean;
  /** Each sample's target score on the input; unknown until a pass computes it. */
  scores?: number[];
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The target scores [rows] of the model on `xs`, rows being copies of samples `samples[r]`. */
function scoreRows(p: Prepared, xs: tf.Tensor[], samples: number[]): tf.Tensor1D {
  const { scored, captured } = runScored(p.model, xs, p.source, { guided: p.guided });
  tf.dispose(captured);
  return p.targets.score(scored, samples);
}

/**
 * Batches and checks the inputs and resolves the targets. Only the default target (the top class) needs a forward
 * pass here; given classes are checked against the output's shape without running it.
 */
function prepare(model: AnyModel, input: ModelInputs, options: SaliencyOptions, guided = false): Prepared {
  const m = inspectModel(model, "saliency");
  const source = resolveOutput(m, options.output);
  const { xs, added } = batchInputs(m, input);
  const image = xs.findIndex((x) => x.rank === 4);
  const base = { model: m, source, xs, image, added, guided };
  try {
    if (image < 0) {
      throw new RangeError(
        `saliency needs image inputs [batch, height, width, channels]; got ${xs.map((x) => `[${x.shape}]`).join(", ")}`,
      );
    }
    const batch = xs[image].shape[0];
    const targets = options.targets;
    const list = typeof targets === "number" ? new Array<number>(batch).fill(targets) : targets;
    const classCount = classCountOfSource(source);
    checkTargets(list, batch, classCount);
    if (list !== undefined && (typeof list === "function" || classCount !== null)) {
      // resolveTargets reads only the class count from the output when targets are given
      const shapeOnly = tf.zeros([0, classCount ?? 0]);
      const resolved = resolveTargets(list, shapeOnly);
      shapeOnly.dispose();
      return { ...base, targets: resolved };
    }
    const { scored, captured } = runScored(m, xs, source);
    tf.dispose(captured);
    try {
      const resolved = resolveTargets(list, scored);
      const scores = Array.from(tf.tidy(() => resolved.score(scored, range(batch)).dataSync()));
      return { ...base, targets: resolved, scores };
    } finally {
      scored.dispose();
    }
  } catch (error) {
    tf.dispose(added);
    throw error;
  }
}

/** The scores on the clean input, from a forward pass when no earlier pass gave them. */
function cleanScores(p: Prepared): number[] {
  if (!p.scores) {
    const plain = { ...p, guided: false };
    p.scores = tf.tidy(() => Array.from(scoreRows(plain, p.xs, range(p.xs[p.image].shape[0])).dataSync()));
  }
  return p.scores;
}

/** Float inputs get attributions; integer inputs (token ids, indices) have no gradient. */
function differentiable(xs: tf.Tensor[]): boolean[] {
  return xs.map((x) => x.dtype === "float32");
}

/**
 * d(Σ scores)/d(rows) for every float input, rows being copies of samples `samples[r]`, in one backward pass;
 * also the rows' scores, which the same forward pass gives for free. Integer inputs get null.
 */
function inputGradients(
  p: Prepared,
  rows: tf.Tensor[],
  samples: number[],
): { grads: (tf.Tensor | null)[]; rowScores: number[] } {
  const wanted = differentiable(rows);
  const varying = rows.filter((_, i) => wanted[i]);
  let kept: tf.Tensor | undefined;
  const gradient = tf.grads((...vs: tf.Tensor[]) => {
    let k = 0;
    const xs = rows.map((x, i) => (wanted[i] ? vs[k++] : x));
    const scores = scoreRows(p, xs, samples);
    kept = tf.keep(scores.clone());
    return scores.sum();
  });
  let list: tf.Tensor[];
  try {
    list = tf.tidy(() => gradient(varying));
  } catch (error) {
    kept?.dispose();
    throw explainGradientFailure(p.model, error, "saliency");
  }
  const rowScores = Array.from(kept!.dataSync());
  kept!.dispose();
  let k = 0;
  return { grads: rows.map((_, i) => (wanted[i] ? list[k++] : null)), rowScores };
}

/** Gradients for the batch itself (vanilla, guided), which also gives the clean scores (unguided only). */
function batchGradients(p: Prepared): tf.Tensor[] {
  const { grads, rowScores } = inputGradients(p, p.xs, range(p.xs[p.image].shape[0]));
  if (!p.guided) p.scores ??= rowScores;
  return grads.map((g, i) => g ?? tf.zerosLike(p.xs[i]));
}

function checkCount(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

function run(
  model: AnyModel,
  input: ModelInputs,
  options: SaliencyOptions,
  method: string,
  compute: (p: Prepared) => { attributions: tf.Tensor[]; delta?: number[] },
  guided = false,
): SaliencyResult {
  const prepared = prepare(model, input, options, guided);
  let attributions: tf.Tensor[] = [];
  try {
    const out = compute(prepared);
    attributions = out.attributions;
    return new SaliencyResult({
      method,
      input: prepared.xs[prepared.image] as tf.Tensor4D,
      attributions: attributions[prepared.image] as tf.Tensor4D,
      inputAttributions: attributions,
      classes: prepared.targets.classes,
      scores: cleanScores(prepared),
      delta: out.delta,
    });
  } catch (error) {
    tf.dispose(attributions);
    throw error;
  } finally {
    tf.dispose(prepared.added);
  }
}

/** Vanilla gradients: d(target score)/d(input), one backward pass for the batch. */
export function vanillaGradients(
  model: AnyModel,
  input: ModelInputs,
  options: SaliencyOptions = {},
): SaliencyResult {
  return run(model, input, options, "vanilla gradients", (p) => ({ attributions: batchGradients(p) }));
}

// ---------------------------------------------------------------------------------------------- guided backprop

/**
 * Guided backpropagation: gradients where every ReLU (ReLU6, and convs or matmuls with a fused ReLU in a
 * GraphModel) also blocks negative incoming gradients: R · 1[x > 0] · 1[R > 0]. The model is untouched.
 */
export function guidedBackprop(
  model: AnyModel,
  input: ModelInputs,
  options: SaliencyOptions = {},
): SaliencyResult {
  return run(model, input, options, "guided backprop", (p) => ({ attributions: batchGradients(p) }), true);
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

/** Noise for copy k of every sample of input i: N(0, σ_b²), drawn from its own seed so chunking never changes it. */
function noiseFor(x: tf.Tensor, sigma: tf.Tensor, seed: number, k: number, i: number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(tf.randomNormal(x.shape, 0, 1, "float32", tfjsSeed(seed * 7919 + k + i * 104729)), sigma),
  );
}

const allButFirst = (x: tf.Tensor) => range(x.rank).slice(1);

/** Rows for a chunk: copies of the batch, one per entry of `ks`, each made by `row(input, inputIndex, k)`. */
function chunkRows(
  p: Prepared,
  ks: number[],
  row: (x: tf.Tensor, i: number, k: number) => tf.Tensor,
): tf.Tensor[] {
  const wanted = differentiable(p.xs);
  return p.xs.map((x, i) => tf.concat(ks.map((k) => (wanted[i] ? row(x, i, k) : x))));
}

/** Per input: Σ over the chunk's copies of their gradients (weighted), shaped like the input. */
function sumCopies(
  grads: (tf.Tensor | null)[],
  p: Prepared,
  copies: number,
  weights?: number[],
): (tf.Tensor | null)[] {
  return grads.map((g, i) => {
    if (!g) return null;
    const split = g.reshape([copies, ...p.xs[i].shape]);
    if (!weights) return split.sum(0);
    const w = tf.tensor1d(weights).reshape([copies, ...p.xs[i].shape.map(() => 1)]);
    return split.mul(w).sum(0);
  });
}

/** SmoothGrad: the average gradient over noisy copies of the input (seeded). */
export function smoothGrad(
  model: AnyModel,
  input: ModelInputs,
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
    const batch = p.xs[p.image].shape[0];
    const sigmas = p.xs.map((x) =>
      tf.tidy(() => tf.sub(x.max(allButFirst(x), true), x.min(allButFirst(x), true)).mul(level)),
    );
    let sums: tf.Tensor[] = p.xs.map((x) => tf.zerosLike(x));
    let squares: tf.Tensor[] = p.xs.map((x) => tf.zerosLike(x));
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let k0 = 0; k0 < copies; k0 += perPass) {
      const ks = range(Math.min(perPass, copies - k0)).map((i) => k0 + i);
      const next = tf.tidy(() => {
        const rows = chunkRows(p, ks, (x, i, k) => tf.add(x, noiseFor(x, sigmas[i], seed, k, i)));
        const { grads } = inputGradients(
          p,
          rows,
          ks.flatMap(() => range(batch)),
        );
        const summed = sumCopies(grads, p, ks.length);
        const squared = sumCopies(
          grads.map((g) => g && g.square()),
          p,
          ks.length,
        );
        return [
          ...sums.map((s, i) => (summed[i] ? s.add(summed[i]!) : s.clone())),
          ...squares.map((s, i) => (squared[i] ? s.add(squared[i]!) : s.clone())),
        ];
      });
      tf.dispose([...sums, ...squares]);
      sums = next.slice(0, p.xs.length);
      squares = next.slice(p.xs.length);
    }
    const attributions = sums.map((sum, i) =>
      tf.tidy(() => {
        const mean = sum.div(copies);
        const meanSq = squares[i].div(copies);
        return aggregate === "mean" ? mean : aggregate === "squared" ? meanSq : meanSq.sub(mean.square());
      }),
    );
    tf.dispose([...sums, ...squares, ...sigmas]);
    return { attributions };
  });
}

// ---------------------------------------------------------------------------------------------- Integrated Gradients

export interface IntegratedGradientsOptions extends SaliencyOptions {
  /**
   * The reference input: a tensor like one sample or the batch, or a constant (default 0, captum's). Several
   * inputs: a list with one entry per input (a single value applies to the image input; the others use 0).
   */
  baseline?: tf.Tensor | number | (tf.Tensor | number)[];
  /** Points on the path from baseline to input (default 50, captum's). */
  steps?: number;
  /** Default "gausslegendre", captum's. */
  method?: IntegrationMethod;
}

function baselineFor(x: tf.Tensor, baseline: tf.Tensor | number | undefined): tf.Tensor {
  if (baseline === undefined || typeof baseline === "number") return tf.fill(x.shape, baseline ?? 0, x.dtype);
  const fits =
    baseline.rank === x.rank - 1
      ? baseline.shape.every((d, i) => d === x.shape[i + 1])
      : baseline.rank === x.rank && baseline.shape.every((d, i) => d === x.shape[i]);
  if (!fits) {
    throw new RangeError(
      `baseline of shape [${baseline.shape}] does not fit the input [${x.shape}] (or one sample of it)`,
    );
  }
  return tf.tidy(() => tf.add(tf.zerosLike(x), baseline));
}

function baselines(p: Prepared, option: IntegratedGradientsOptions["baseline"]): tf.Tensor[] {
  if (Array.isArray(option) && option.length !== p.xs.length) {
    throw new RangeError(`got ${option.length} baselines for a model with ${p.xs.length} inputs`);
  }
  return p.xs.map((x, i) => baselineFor(x, Array.isArray(option) ? option[i] : i === p.image ? option : 0));
}

/**
 * Integrated Gradients: (x − x′) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x dα, by quadrature. `delta` reports completeness:
 * Σ attributions − (f(x) − f(x′)) per sample, which shrinks as `steps` grows.
 */
export function integratedGradients(
  model: AnyModel,
  input: ModelInputs,
  options: IntegratedGradientsOptions = {},
): SaliencyResult {
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas, weights } = quadrature(options.method ?? "gausslegendre", steps);
  return run(model, input, options, `Integrated Gradients (${steps} steps)`, (p) => {
    const batch = p.xs[p.image].shape[0];
    const bases = baselines(p, options.baseline);
    const diffs = p.xs.map((x, i) => tf.sub(x, bases[i]));
    let totals: tf.Tensor[] = p.xs.map((x) => tf.zerosLike(x));
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 < steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps - s0)).map((i) => s0 + i);
      const next = tf.tidy(() => {
        const rows = chunkRows(p, ss, (_x, i, s) => tf.add(bases[i], tf.mul(diffs[i], alphas[s])));
        const { grads } = inputGradients(
          p,
          rows,
          ss.flatMap(() => range(batch)),
        );
        const summed = sumCopies(
          grads,
          p,
          ss.length,
          ss.map((s) => weights[s]),
        );
        return totals.map((t, i) => (summed[i] ? t.add(summed[i]!) : t.clone()));
      });
      tf.dispose(totals);
      totals = next;
    }
    const attributions = totals.map((t, i) => tf.mul(diffs[i], t));
    const delta = completeness(p, bases, attributions);
    tf.dispose([...bases, ...diffs, ...totals]);
    return { attributions, delta };
  });
}

/** Σ attributions − (f(x) − f(baseline)) per sample. */
function completeness(p: Prepared, bases: tf.Tensor[], attributions: tf.Tensor[]): number[] {
  const scores = cleanScores(p);
  return tf.tidy(() => {
    const atBase = scoreRows(p, bases, range(p.xs[p.image].shape[0]));
    const gap = tf.sub(tf.tensor1d(scores), atBase);
    const total = attributions
      .filter((_, i) => differentiable(p.xs)[i])
      .map((a) => a.sum(allButFirst(a)))
      .reduce((sum, a) => sum.add(a));
    return Array.from(tf.sub(total, gap).dataSync());
  });
}
