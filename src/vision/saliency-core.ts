// What the gradient saliency methods (saliency.ts, integrated-gradients.ts) share: batch and check the inputs,
// resolve the targets, differentiate the target scores with respect to every float input in one backward pass,
// and wrap the result.
// Every method differentiates through the model interface (src/model/): a LayersModel's own nodes (convolutions
// un-fused: tfjs's fused conv gradient also computes the filter gradient, 21 s instead of 0.86 s on cpu) or a
// GraphModel's executor. Class scores are picked with a one-hot product, not gather (no gradient on wasm). Only
// d(score)/d(inputs) is taken; a model with several inputs gets attributions for each (`inputAttributions`).
import { tf } from "../backend";
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

export interface Prepared {
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

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The target scores [rows] of the model on `xs`, rows being copies of samples `samples[r]`. */
export function scoreRows(p: Prepared, xs: tf.Tensor[], samples: number[]): tf.Tensor1D {
  const { scored, captured } = runScored(p.model, xs, p.source, { guided: p.guided });
  tf.dispose(captured);
  return p.targets.score(scored, samples);
}

/**
 * Batches and checks the inputs and resolves the targets. Only the default target (the top class) needs a forward
 * pass here; given classes are checked against the output's shape without running it.
 */
export function prepare(
  model: AnyModel,
  input: ModelInputs,
  options: SaliencyOptions,
  guided = false,
): Prepared {
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
export function cleanScores(p: Prepared): number[] {
  if (!p.scores) {
    const plain = { ...p, guided: false };
    p.scores = tf.tidy(() => Array.from(scoreRows(plain, p.xs, range(p.xs[p.image].shape[0])).dataSync()));
  }
  return p.scores;
}

/** Float inputs get attributions; integer inputs (token ids, indices) have no gradient. */
export function differentiable(xs: tf.Tensor[]): boolean[] {
  return xs.map((x) => x.dtype === "float32");
}

/**
 * d(Σ scores)/d(rows) for every float input, rows being copies of samples `samples[r]`, in one backward pass;
 * also the rows' scores, which the same forward pass gives for free. Integer inputs get null.
 */
export function inputGradients(
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
export function batchGradients(p: Prepared): tf.Tensor[] {
  const { grads, rowScores } = inputGradients(p, p.xs, range(p.xs[p.image].shape[0]));
  if (!p.guided) p.scores ??= rowScores;
  return grads.map((g, i) => g ?? tf.zerosLike(p.xs[i]));
}

export function checkCount(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

export function run(
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

export const allButFirst = (x: tf.Tensor) => range(x.rank).slice(1);

/**
 * The copies of the batch (0 … count − 1) in groups of at most ⌊batchSize / batch⌋: one group per pass, so a pass
 * differentiates at most `batchSize` rows (at least one copy).
 */
export function copyChunks(count: number, batchSize: number, batch: number): number[][] {
  const perPass = Math.max(1, Math.floor(batchSize / batch));
  const chunks: number[][] = [];
  for (let first = 0; first < count; first += perPass)
    chunks.push(range(Math.min(perPass, count - first)).map((i) => first + i));
  return chunks;
}

/** Rows for a chunk: copies of the batch, one per entry of `ks`, each made by `row(input, inputIndex, k)`. */
export function chunkRows(
  p: Prepared,
  ks: number[],
  row: (x: tf.Tensor, i: number, k: number) => tf.Tensor,
): tf.Tensor[] {
  const wanted = differentiable(p.xs);
  return p.xs.map((x, i) => tf.concat(ks.map((k) => (wanted[i] ? row(x, i, k) : x))));
}

/** Per input: Σ over the chunk's copies of their gradients (weighted), shaped like the input. */
export function sumCopies(
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
