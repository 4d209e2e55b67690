// ROAD (Rong et al. 2022, arXiv 2202.00449), as pytorch-grad-cam runs it: remove the most (or least) relevant
// pixels by a percentile of the CAM, fill them by noisy linear imputation, and see how the target score changes.
// Imputation: each removed pixel is the weighted mean of its 8 neighbours (1/6 side, 1/12 diagonal, only those
// inside the image), known neighbours fixed; a sparse symmetric positive-definite system, solved per channel by
// conjugate gradients to 1e-10, then N(0, noise²) added (seeded).
import { tf } from "../../backend";
import { seededRandom } from "../../data/seeded-random";
import { inspectModel, type AnyModel } from "../../model";
import { resolveTargets, type CamTargets } from "./targets";

const NEIGHBOURS: [number, number, number][] = [
  [1, 1, 1 / 12],
  [0, 1, 1 / 6],
  [-1, 1, 1 / 12],
  [1, -1, 1 / 12],
  [0, -1, 1 / 6],
  [-1, -1, 1 / 12],
  [1, 0, 1 / 6],
  [-1, 0, 1 / 6],
];

export interface ImputationOptions {
  /** Standard deviation of the noise added to imputed values (default 0.01, ROAD's). */
  noise?: number;
  /** Seeds the noise (default 0). */
  seed?: number;
}

/** Standard normal draws from a seeded uniform source (Box-Muller). */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * Noisy linear imputation of one image [H, W, C] (row-major values): pixels where `keep` is 0 are replaced.
 * Returns a new array.
 */
export function noisyLinearImputation(
  image: Float32Array,
  keep: Uint8Array,
  [height, width, channels]: [number, number, number],
  options: ImputationOptions = {},
): Float32Array {
  const pixels = height * width;
  if (keep.length !== pixels) throw new RangeError(`the mask has ${keep.length} pixels, the image ${pixels}`);
  const unknown: number[] = [];
  const index = new Int32Array(pixels).fill(-1);
  for (let p = 0; p < pixels; p++) if (!keep[p]) index[p] = unknown.push(p) - 1;
  const out = Float32Array.from(image);
  if (unknown.length === 0) return out;
  const system = buildSystem(unknown, index, keep, height, width);
  const normal = gaussian(seededRandom(options.seed ?? 0));
  const noise = options.noise ?? 0.01;
  for (let c = 0; c < channels; c++) {
    const rhs = new Float64Array(unknown.length);
    for (let i = 0; i < unknown.length; i++) {
      for (let k = system.knownStart[i]; k < system.knownStart[i + 1]; k++) {
        rhs[i] += system.knownWeight[k] * image[system.knownPixel[k] * channels + c];
      }
    }
    const solution = conjugateGradient(system, rhs);
    unknown.forEach((p, i) => (out[p * channels + c] = solution[i] + noise * normal()));
  }
  return out;
}

/** The system in compressed rows: diagonal, off-diagonal −w to other unknowns, and known neighbours for the rhs. */
interface System {
  diagonal: Float64Array;
  linkStart: Int32Array;
  linkTo: Int32Array;
  linkWeight: Float64Array;
  knownStart: Int32Array;
  knownPixel: Int32Array;
  knownWeight: Float64Array;
}

function buildSystem(
  unknown: number[],
  index: Int32Array,
  keep: Uint8Array,
  height: number,
  width: number,
): System {
  const n = unknown.length;
  const diagonal = new Float64Array(n);
  const linkStart = new Int32Array(n + 1);
  const knownStart = new Int32Array(n + 1);
  const linkTo: number[] = [];
  const linkWeight: number[] = [];
  const knownPixel: number[] = [];
  const knownWeight: number[] = [];
  unknown.forEach((p, i) => {
    const y = Math.floor(p / width);
    const x = p % width;
    for (const [dy, dx, w] of NEIGHBOURS) {
      const ny = y + dy;
      const nx = x + dx;
      if (ny < 0 || nx < 0 || ny >= height || nx >= width) continue;
      diagonal[i] += w;
      const q = ny * width + nx;
      if (keep[q]) {
        knownPixel.push(q);
        knownWeight.push(w);
      } else {
        linkTo.push(index[q]);
        linkWeight.push(w);
      }
    }
    linkStart[i + 1] = linkTo.length;
    knownStart[i + 1] = knownPixel.length;
  });
  return {
    diagonal,
    linkStart,
    linkTo: Int32Array.from(linkTo),
    linkWeight: Float64Array.from(linkWeight),
    knownStart,
    knownPixel: Int32Array.from(knownPixel),
    knownWeight: Float64Array.from(knownWeight),
  };
}

function multiply(system: System, v: Float64Array, out: Float64Array): void {
  const { diagonal, linkStart, linkTo, linkWeight } = system;
  for (let i = 0; i < v.length; i++) {
    let s = diagonal[i] * v[i];
    for (let k = linkStart[i]; k < linkStart[i + 1]; k++) s -= linkWeight[k] * v[linkTo[k]];
    out[i] = s;
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Jacobi-preconditioned conjugate gradients, to a residual of 1e-10 relative to the right-hand side. */
function conjugateGradient(system: System, b: Float64Array): Float64Array {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const z = r.map((v, i) => v / system.diagonal[i]);
  const p = Float64Array.from(z);
  const ap = new Float64Array(n);
  let rz = dot(r, z);
  const stop = 1e-20 * Math.max(dot(b, b), 1e-30);
  for (let iteration = 0; iteration < 10 * n + 100 && dot(r, r) > stop; iteration++) {
    multiply(system, p, ap);
    const pap = dot(p, ap);
    if (pap <= 0) break;
    const alpha = rz / pap;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
      z[i] = r[i] / system.diagonal[i];
    }
    const next = dot(r, z);
    for (let i = 0; i < n; i++) p[i] = z[i] + (next / rz) * p[i];
    rz = next;
  }
  return x;
}

/** numpy's percentile (linear interpolation between order statistics). */
export function percentile(values: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = (q / 100) * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
}

export interface RoadOptions extends ImputationOptions {
  /** What each CAM explains (default: each image's top class on the unmodified input). */
  targets?: CamTargets;
}

export interface RoadAverageOptions extends RoadOptions {
  /** Default [10, 20, …, 90], pytorch-grad-cam's. */
  percentiles?: number[];
}

type Order = "most" | "least";

/**
 * Score after imputation minus score before, per image. "most": pixels with cam ≥ the percentile are removed
 * (ROADMostRelevantFirst keeps cam < percentile); "least": the same on 1 − cam.
 */
function roadScores(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  order: Order,
  percentiles: number[],
  options: RoadOptions,
): number[][] {
  const [batch, height, width, channels] = checkShapes(input, cams, "ROAD");
  const images = input.dataSync() as Float32Array;
  const maps = cams.dataSync() as Float32Array;
  const pixels = height * width;
  const perImage = pixels * channels;
  const imputed = new Float32Array(percentiles.length * batch * perImage);
  percentiles.forEach((q, k) => {
    if (!(q >= 0 && q <= 100)) throw new RangeError(`percentiles must lie in [0, 100], got ${q}`);
    for (let b = 0; b < batch; b++) {
      const cam = maps.subarray(b * pixels, (b + 1) * pixels).map((v) => (order === "most" ? v : 1 - v));
      const threshold = percentile(cam, q);
      const keep = Uint8Array.from(cam, (v) => (v < threshold ? 1 : 0));
      const image = images.subarray(b * perImage, (b + 1) * perImage);
      const seed = (options.seed ?? 0) * 7919 + k * 131 + b;
      imputed.set(
        noisyLinearImputation(image, keep, [height, width, channels], { ...options, seed }),
        (k * batch + b) * perImage,
      );
    }
  });
  return tf.tidy(() => {
    const m = inspectModel(model);
    const run = (x: tf.Tensor) => m.run([x]).outputs[0];
    const clean = run(input);
    const targets = resolveTargets(options.targets, clean);
    const samples = Array.from({ length: batch }, (_, i) => i);
    const before = targets.score(clean, samples).dataSync();
    return percentiles.map((_, k) => {
      const x = tf.tensor4d(imputed.subarray(k * batch * perImage, (k + 1) * batch * perImage), input.shape);
      const after = targets.score(run(x), samples).dataSync();
      return Array.from(after, (v, b) => v - before[b]);
    });
  });
}

export function checkShapes(
  input: tf.Tensor,
  cams: tf.Tensor,
  what: string,
): [number, number, number, number] {
  if (input.rank !== 4)
    throw new RangeError(`${what} needs an image batch [B, H, W, C], got [${input.shape}]`);
  const [b, h, w] = input.shape;
  if (cams.rank !== 3 || cams.shape[0] !== b || cams.shape[1] !== h || cams.shape[2] !== w) {
    throw new RangeError(`${what} needs CAMs [${b}, ${h}, ${w}] matching the images, got [${cams.shape}]`);
  }
  return input.shape as [number, number, number, number];
}

const mean = (rows: number[][]) => rows[0].map((_, b) => rows.reduce((s, r) => s + r[b], 0) / rows.length);
const DEFAULT_PERCENTILES = [10, 20, 30, 40, 50, 60, 70, 80, 90];

/** ROADMostRelevantFirst: the score change when the top (100 − p)% of the CAM is imputed (default p = 80). */
export function roadMostRelevantFirst(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: RoadOptions & { percentile?: number } = {},
): number[] {
  return roadScores(model, input, cams, "most", [options.percentile ?? 80], options)[0];
}

/** ROADLeastRelevantFirst: the same for the least relevant pixels (default p = 20). */
export function roadLeastRelevantFirst(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: RoadOptions & { percentile?: number } = {},
): number[] {
  return roadScores(model, input, cams, "least", [options.percentile ?? 20], options)[0];
}

/** ROADMostRelevantFirstAverage: the mean over percentiles (lower = better map). */
export function roadMostRelevantFirstAverage(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: RoadAverageOptions = {},
): number[] {
  return mean(roadScores(model, input, cams, "most", options.percentiles ?? DEFAULT_PERCENTILES, options));
}

/** ROADLeastRelevantFirstAverage (higher = better map). */
export function roadLeastRelevantFirstAverage(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: RoadAverageOptions = {},
): number[] {
  return mean(roadScores(model, input, cams, "least", options.percentiles ?? DEFAULT_PERCENTILES, options));
}

/** ROADCombined: (LeRF average − MoRF average) / 2 per image; higher = more faithful. */
export function roadCombined(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: RoadAverageOptions = {},
): number[] {
  const lerf = roadLeastRelevantFirstAverage(model, input, cams, options);
  const morf = roadMostRelevantFirstAverage(model, input, cams, options);
  return lerf.map((l, b) => (l - morf[b]) / 2);
}
