// Scoring saliency maps without humans. Pointing game (Zhang et al. 2016): is the map's maximum on the object?
// Deletion / insertion (Petsiuk et al. 2018, RISE): remove (or add) pixels from the most salient down and watch
// the target's probability; the area under that curve is low for a good map (deletion), high (insertion).
import { withShapeHint } from "../model/shape-hint";
import { tf } from "../backend";
import { inspectModel, type AnyModel } from "../model";

/** A box in pixels: columns x0..x1-1, rows y0..y1-1. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface PointingGameResult {
  /** Per image: whether the map's maximum lies within `tolerance` pixels of its box. */
  hits: boolean[];
  accuracy: number;
}

function mapsOf(
  maps: tf.Tensor,
  what: string,
): { batch: number; height: number; width: number; values: Float32Array } {
  if (maps.rank !== 3)
    throw new RangeError(`${what} needs maps shaped [batch, height, width], got [${maps.shape}]`);
  const [batch, height, width] = maps.shape;
  return { batch, height, width, values: maps.dataSync() as Float32Array };
}

/** Hit if the first maximal pixel (row-major) is within `tolerance` pixels (default 0: inside) of the box. */
export function pointingGame(
  maps: tf.Tensor,
  boxes: Box[],
  options: { tolerance?: number } = {},
): PointingGameResult {
  const { batch, height, width, values } = mapsOf(maps, "pointingGame");
  if (boxes.length !== batch)
    throw new RangeError(`pointingGame got ${boxes.length} box(es) for ${batch} map(s)`);
  const tolerance = options.tolerance ?? 0;
  const hits = boxes.map((box, b) => {
    const map = values.subarray(b * height * width, (b + 1) * height * width);
    let best = 0;
    for (let p = 1; p < map.length; p++) if (map[p] > map[best]) best = p;
    const x = best % width;
    const y = Math.floor(best / width);
    const dx = Math.max(box.x0 - x, 0, x - (box.x1 - 1));
    const dy = Math.max(box.y0 - y, 0, y - (box.y1 - 1));
    return Math.hypot(dx, dy) <= tolerance;
  });
  return { hits, accuracy: hits.filter(Boolean).length / batch };
}

export interface PerturbationCurveOptions {
  /** Number of steps from 0 to all pixels (default 20); ⌈pixels/steps⌉ pixels change per step. */
  steps?: number;
  /**
   * What removed pixels become (deletion) or the start image (insertion): a number, an image batch, or "mean"
   * (each image's mean colour, which hides a shape better than black on a dark background). Default 0.
   */
  baseline?: number | "mean" | tf.Tensor;
  /** Class per image; default the model's top class on the unperturbed image. */
  targets?: number[];
  /** "probability" (softmax, default) or the raw "logit". */
  score?: "probability" | "logit";
  /** Perturbed images per model call (default 32). */
  batchSize?: number;
}

export interface PerturbationCurve {
  /** Fraction of pixels changed at each step, from 0 to 1. */
  fractions: number[];
  /** Per image: the target's score at each step. */
  curves: number[][];
  /** Per image: trapezoidal area under the curve over the fractions. */
  auc: number[];
  meanAuc: number;
}

/** Deletion: pixels replaced by the baseline, most salient first. Lower area = more faithful map. */
export function deletionCurve(
  model: AnyModel,
  images: tf.Tensor4D,
  maps: tf.Tensor,
  options: PerturbationCurveOptions = {},
): PerturbationCurve {
  return perturbationCurve("deletion", model, images, maps, options);
}

/** Insertion: from the baseline, pixels restored most salient first. Higher area = more faithful map. */
export function insertionCurve(
  model: AnyModel,
  images: tf.Tensor4D,
  maps: tf.Tensor,
  options: PerturbationCurveOptions = {},
): PerturbationCurve {
  return perturbationCurve("insertion", model, images, maps, options);
}

/** Pixel indices by decreasing saliency; ties keep pixel order (a stable sort). */
function rankPixels(map: Float32Array): Int32Array {
  const order = Int32Array.from(map, (_, i) => i);
  return order.sort((a, b) => map[b] - map[a] || a - b);
}

function perturbationCurve(
  mode: "deletion" | "insertion",
  model: AnyModel,
  images: tf.Tensor4D,
  maps: tf.Tensor,
  options: PerturbationCurveOptions,
): PerturbationCurve {
  const { batch, height, width, values } = mapsOf(maps, `${mode}Curve`);
  if (
    images.rank !== 4 ||
    images.shape[0] !== batch ||
    images.shape[1] !== height ||
    images.shape[2] !== width
  ) {
    throw new RangeError(
      withShapeHint(
        `${mode}Curve needs images [${batch}, ${height}, ${width}, C] matching the maps, got [${images.shape}]`,
        images.shape,
        inspectModel(model).inputs[0].shape,
      ),
    );
  }
  const steps = options.steps ?? 20;
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const pixels = height * width;
  const perStep = Math.ceil(pixels / steps);
  const counts = Array.from({ length: steps + 1 }, (_, s) => Math.min(pixels, s * perStep));
  const ranks = Array.from({ length: batch }, (_, b) =>
    rankPixels(values.subarray(b * pixels, (b + 1) * pixels)),
  );
  const targets = options.targets ?? topClasses(model, images);
  if (targets.length !== batch) throw new RangeError(`got ${targets.length} target(s) for ${batch} image(s)`);
  const scores = new Float32Array(batch * counts.length);
  const baseline = options.baseline ?? 0;
  for (let start = 0; start < scores.length; start += batchSize) {
    const n = Math.min(batchSize, scores.length - start);
    const mask = new Float32Array(n * pixels);
    const imageOf: number[] = [];
    for (let j = 0; j < n; j++) {
      const b = Math.floor((start + j) / counts.length);
      const changed = counts[(start + j) % counts.length];
      for (let r = 0; r < changed; r++) mask[j * pixels + ranks[b][r]] = 1;
      imageOf.push(b);
    }
    const chunk = tf.tidy(() => {
      const m = tf.tensor4d(mask, [n, height, width, 1]);
      const x = tf.gather(images, imageOf);
      const base =
        typeof baseline === "number"
          ? tf.fill(x.shape, baseline)
          : baseline === "mean"
            ? tf.mul(tf.onesLike(x), tf.mean(x, [1, 2], true))
            : tf.gather(baseline, imageOf);
      const [keep, swap] = mode === "deletion" ? [x, base] : [base, x];
      const perturbed = tf.add(tf.mul(keep, tf.sub(1, m)), tf.mul(swap, m));
      let out = inspectModel(model).run([perturbed]).outputs[0];
      if ((options.score ?? "probability") === "probability") out = tf.softmax(out);
      return tf
        .sum(
          tf.mul(
            out,
            tf.oneHot(
              imageOf.map((b) => targets[b]),
              out.shape[1] as number,
            ),
          ),
          1,
        )
        .dataSync();
    });
    scores.set(chunk, start);
  }
  const fractions = counts.map((c) => c / pixels);
  const curves = Array.from({ length: batch }, (_, b) =>
    Array.from(scores.subarray(b * counts.length, (b + 1) * counts.length)),
  );
  const auc = curves.map((curve) => trapezoid(curve, fractions));
  return { fractions, curves, auc, meanAuc: auc.reduce((a, v) => a + v, 0) / batch };
}

function topClasses(model: AnyModel, images: tf.Tensor4D): number[] {
  return Array.from(tf.tidy(() => tf.argMax(inspectModel(model).run([images]).outputs[0], 1).dataSync()));
}

export function trapezoid(ys: number[], xs: number[]): number {
  let area = 0;
  for (let i = 1; i < ys.length; i++) area += ((ys[i] + ys[i - 1]) / 2) * (xs[i] - xs[i - 1]);
  return area;
}
