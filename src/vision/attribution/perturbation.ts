// captum's perturbation attributions: Occlusion (a sliding window replaced by a baseline) and FeatureAblation
// (groups of a feature mask replaced by a baseline). Attribution = f(x) − f(perturbed), spread over what was
// perturbed (occlusion: averaged over the windows covering each element). Perturbed copies of every sample are
// run `perturbationsPerEval` at a time in one model call, which is what makes this fast on the native backend.
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { checkCount, checkOptions, range, run, scoreRows, type Prepared } from "./common";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";
import { incrementalScorer, type ChunkScorer } from "./occlusion-incremental";
import { planIncremental, windowBoxes, type Level, type PlanOutcome } from "./occlusion-plan";

export interface PerturbationOptions extends SaliencyOptions {
  /** What perturbed elements become: a constant, one sample [H, W, C] or the batch (default 0, captum's). */
  baseline?: number | tf.Tensor;
  /** Perturbed copies per sample and model call (default 32; captum's perturbations_per_eval, which defaults to 1). */
  perturbationsPerEval?: number;
}

export interface OcclusionOptions extends PerturbationOptions {
  /** The window: [height, width] (all channels) or [height, width, channels]. */
  window: number[];
  /** Steps between windows, per dimension or one for all (default 1, captum's). */
  strides?: number | number[];
  /**
   * "auto" (default): when the model's receptive fields allow it and the estimated saving is worth it, each
   * window's pass recomputes the spatially local layers only on a crop around the window (same results, fewer
   * operations); true: whenever the receptive fields allow it; false: always whole images.
   */
  incremental?: "auto" | boolean;
}

const PERTURBATION_OPTIONS = ["baseline", "perturbationsPerEval"];

/** One perturbation: the elements (flat indices into a sample) it replaces. */
type Perturbation = Int32Array;

/**
 * Occlusion (Zeiler & Fergus 2014): slide `window` over each sample by `strides` (captum's positions: ⌈(d − w)/s⌉ + 1
 * per dimension, the last window cut at the border); attribution of an element = mean over the windows covering it
 * of f(x) − f(x with the window set to the baseline).
 */
export function occlusion(model: AnyModel, input: tf.Tensor, options: OcclusionOptions): SaliencyResult {
  if (!options || !Array.isArray(options.window)) {
    throw new TypeError("occlusion needs { window: [height, width] } or [height, width, channels]");
  }
  checkOptions(options, "occlusion", [...PERTURBATION_OPTIONS, "window", "strides", "incremental"]);
  const incremental = options.incremental ?? "auto";
  if (incremental !== "auto" && typeof incremental !== "boolean") {
    throw new TypeError(`incremental must be "auto", true or false, got ${String(incremental)}`);
  }
  const label = `Occlusion (window ${options.window.join("x")})`;
  return run(model, input, options, "occlusion", label, (p) => {
    const [h, w, c] = p.x.shape.slice(1);
    const windows = slidingWindows([h, w, c], options.window, options.strides);
    const plan: PlanOutcome =
      incremental === false
        ? { reason: "incremental: false" }
        : planIncremental(p, windowBoxes(windows, w, c), incremental === true);
    const levels = "levels" in plan ? plan.levels : undefined;
    const computedBy =
      "levels" in plan
        ? `incremental: crops through ${plan.levels.map((l) => l.node.name).join(", ")}, then whole activations`
        : `whole images (${plan.reason})`;
    return { attributions: ablate(p, options, () => windows, "mean", levels), computedBy };
  });
}

export interface FeatureAblationOptions extends PerturbationOptions {
  /**
   * Integer feature ids: elements with the same id are ablated together. Shaped like one sample [H, W, C], one
   * sample's pixels [H, W] (all channels together), or per sample [B, H, W] / [B, H, W, C]. Default: every
   * element alone (captum's default; one model row per element).
   */
  featureMask?: tf.Tensor;
}

/** Feature ablation: attribution of each element = f(x) − f(x with its whole feature group set to the baseline). */
export function featureAblation(
  model: AnyModel,
  input: tf.Tensor,
  options: FeatureAblationOptions = {},
): SaliencyResult {
  checkOptions(options, "featureAblation", [...PERTURBATION_OPTIONS, "featureMask"]);
  if (options.featureMask !== undefined && !(options.featureMask instanceof tf.Tensor)) {
    throw new TypeError(
      `featureMask must be a tf.Tensor of integer feature ids, got ${typeof options.featureMask}`,
    );
  }
  return run(model, input, options, "featureAblation", "FeatureAblation", (p) => {
    const groups = featureGroups(p.x.shape as [number, number, number, number], options.featureMask);
    return { attributions: ablate(p, options, (b) => groups(b), "sum") };
  });
}

/** The forward passes here are never differentiated: the model's fastest inference path (predictOnBatch). */
const FAST = { inferenceOnly: true };

/**
 * Runs every sample's perturbations in chunks of `perturbationsPerEval` rows, one model call each. Every call has
 * the same batch size (the last chunk is padded with unperturbed rows): the native backend prepares its kernels
 * for each new input shape, which costs seconds. Attribution = Σ over perturbations covering an element of the
 * score drop, divided by how many covered it ("mean", occlusion) or not ("sum": groups are disjoint).
 */
function ablate(
  p: Prepared,
  options: PerturbationOptions,
  perturbationsOf: (sample: number) => Perturbation[],
  spread: "mean" | "sum",
  levels?: Level[],
): tf.Tensor4D {
  const perEval = checkCount(options.perturbationsPerEval, 32, "perturbationsPerEval");
  const base = baselineValues(p.x, options.baseline);
  // occlusion's windows are the same for every sample
  const incremental = levels && incrementalScorer(p, levels, perturbationsOf(0), base);
  try {
    const scorer = incremental?.score ?? wholeImageScorer(p, base, perturbationsOf);
    return spreadDrops(p, perEval, perturbationsOf, spread, scorer);
  } finally {
    incremental?.dispose();
    base.dispose();
  }
}

/** Scores of perturbed copies of the whole sample, the perturbations' elements set to the baseline. */
function wholeImageScorer(
  p: Prepared,
  base: tf.Tensor4D,
  perturbationsOf: (sample: number) => Perturbation[],
): ChunkScorer {
  const [, h, w, c] = p.x.shape;
  const size = h * w * c;
  return (b, start, rows) =>
    tf.tidy(() => {
      const xb = p.x.slice(b, 1);
      const baseB = base.shape[0] === 1 ? base : base.slice(b, 1);
      const chunk = perturbationsOf(b).slice(start, start + rows);
      // a new buffer each time: the backend may read the values only when the tensor is first used
      const mask = new Uint8Array(rows * size);
      chunk.forEach((elements, j) => elements.forEach((e) => (mask[j * size + e] = 1)));
      const m = tf.tensor4d(mask, [rows, h, w, c], "bool");
      const perturbed = tf.where(m, baseB, xb);
      return scoreRows(p, perturbed, new Array<number>(rows).fill(b), FAST);
    });
}

function spreadDrops(
  p: Prepared,
  perEval: number,
  perturbationsOf: (sample: number) => Perturbation[],
  spread: "mean" | "sum",
  scoreChunk: ChunkScorer,
): tf.Tensor4D {
  const [batch, h, w, c] = p.x.shape;
  const size = h * w * c;
  // the clean scores by the same path as the perturbed ones, so an unperturbed row drops by exactly 0
  const clean = tf.tidy(() => Array.from(scoreRows(p, p.x, range(batch), FAST).dataSync()));
  const totals = new Float32Array(batch * size);
  const counts = new Float32Array(batch * size);
  for (let b = 0; b < batch; b++) {
    const list = perturbationsOf(b);
    const rows = Math.min(perEval, list.length);
    const scores = tf.tidy(() => {
      const perChunk: tf.Tensor[] = [];
      for (let start = 0; start < list.length; start += rows) {
        perChunk.push(scoreChunk(b, start, rows).slice(0, Math.min(rows, list.length - start)));
      }
      return tf.concat(perChunk);
    });
    // one read per sample: the drops are spread on the host, where the perturbations' elements are
    const values = scores.dataSync();
    scores.dispose();
    list.forEach((elements, j) => {
      const drop = clean[b] - values[j];
      elements.forEach((e) => {
        totals[b * size + e] += drop;
        counts[b * size + e] += 1;
      });
    });
  }
  if (spread === "mean") for (let i = 0; i < totals.length; i++) if (counts[i] > 0) totals[i] /= counts[i];
  return tf.tensor4d(totals, p.x.shape);
}

function baselineValues(x: tf.Tensor4D, baseline: number | tf.Tensor | undefined): tf.Tensor4D {
  if (baseline !== undefined && typeof baseline !== "number" && !(baseline instanceof tf.Tensor)) {
    throw new TypeError(`baseline must be a number or a tf.Tensor, got ${typeof baseline}`);
  }
  if (baseline === undefined || typeof baseline === "number") {
    return tf.fill([1, x.shape[1], x.shape[2], x.shape[3]], baseline ?? 0) as tf.Tensor4D;
  }
  const sample = x.shape.slice(1);
  if (baseline.rank === 3 && baseline.shape.every((d, i) => d === sample[i]))
    return baseline.expandDims(0) as tf.Tensor4D;
  if (baseline.rank === 4 && baseline.shape.every((d, i) => d === x.shape[i]))
    return baseline.clone() as tf.Tensor4D;
  throw new RangeError(
    `baseline of shape [${baseline.shape}] does not fit the input [${x.shape}] (or one sample of it)`,
  );
}

/** captum's window positions over a sample [H, W, C]; each window as the flat element indices it covers. */
export function slidingWindows(
  [h, w, c]: [number, number, number],
  window: number[],
  strides: number | number[] = 1,
): Perturbation[] {
  if (window.length !== 2 && window.length !== 3) {
    throw new RangeError(`window must be [height, width] or [height, width, channels], got [${window}]`);
  }
  const win = [window[0], window[1], window[2] ?? c];
  const dims = [h, w, c];
  const step = Array.isArray(strides)
    ? [strides[0], strides[1], strides[2] ?? win[2]]
    : [strides, strides, win[2]];
  win.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > dims[i]) {
      throw new RangeError(`window [${window}] must be positive and fit the sample [${dims}]`);
    }
    if (!Number.isInteger(step[i]) || step[i] < 1 || (dims[i] > v && step[i] > v)) {
      throw new RangeError(`strides [${step}] must be positive integers no larger than the window [${win}]`);
    }
  });
  const counts = dims.map((d, i) => Math.ceil((d - win[i]) / step[i]) + 1);
  const out: Perturbation[] = [];
  for (let iy = 0; iy < counts[0]; iy++) {
    for (let ix = 0; ix < counts[1]; ix++) {
      for (let ic = 0; ic < counts[2]; ic++) {
        const [y0, x0, c0] = [iy * step[0], ix * step[1], ic * step[2]];
        const elements: number[] = [];
        for (let y = y0; y < Math.min(y0 + win[0], h); y++) {
          for (let x = x0; x < Math.min(x0 + win[1], w); x++) {
            for (let k = c0; k < Math.min(c0 + win[2], c); k++) elements.push((y * w + x) * c + k);
          }
        }
        out.push(Int32Array.from(elements));
      }
    }
  }
  return out;
}

/** Per sample, the feature groups of the mask (in increasing id order). */
function featureGroups(
  [batch, h, w, c]: [number, number, number, number],
  featureMask: tf.Tensor | undefined,
): (sample: number) => Perturbation[] {
  if (featureMask === undefined) {
    const singles = Array.from({ length: h * w * c }, (_, e) => Int32Array.of(e));
    return () => singles;
  }
  const shape = featureMask.shape;
  const fits = (s: number[]) => s.length === shape.length && s.every((d, i) => d === shape[i]);
  const kind = fits([h, w])
    ? "pixels"
    : fits([h, w, c])
      ? "sample"
      : fits([batch, h, w])
        ? "batchPixels"
        : fits([batch, h, w, c])
          ? "batch"
          : null;
  if (kind === null) {
    throw new RangeError(
      `featureMask of shape [${shape}] does not fit the input [${batch}, ${h}, ${w}, ${c}]: expected ` +
        `[${h}, ${w}], [${h}, ${w}, ${c}], [${batch}, ${h}, ${w}] or [${batch}, ${h}, ${w}, ${c}]`,
    );
  }
  const ids = featureMask.dataSync();
  const perSample = kind === "batch" || kind === "batchPixels";
  const pixelsOnly = kind === "pixels" || kind === "batchPixels";
  const size = pixelsOnly ? h * w : h * w * c;
  return (b) => {
    const offset = perSample ? b * size : 0;
    const groups = new Map<number, number[]>();
    for (let e = 0; e < h * w * c; e++) {
      const id = ids[offset + (pixelsOnly ? Math.floor(e / c) : e)];
      const group = groups.get(id);
      if (group) group.push(e);
      else groups.set(id, [e]);
    }
    return [...groups.entries()].sort((a, z) => a[0] - z[0]).map(([, elements]) => Int32Array.from(elements));
  };
}
