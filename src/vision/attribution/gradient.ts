// captum's gradient attributions beyond plain gradients: InputXGradient and GradientShap. Both return the
// SaliencyResult of the other saliency methods (attributions shaped like the input, a picture per sample).
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { seededRandom } from "../../data/seeded-random";
import {
  batchGradients,
  checkCount,
  checkOptions,
  cleanScores,
  inputGradients,
  range,
  run,
  scoreRows,
} from "./common";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";

/** Input × Gradient (Shrikumar et al. 2016): x ⊙ ∂y/∂x, one backward pass. */
export function inputXGradient(
  model: AnyModel,
  input: tf.Tensor,
  options: SaliencyOptions = {},
): SaliencyResult {
  checkOptions(options, "inputXGradient", []);
  return run(model, input, options, "inputXGradient", "InputXGradient", (p) => {
    const grads = batchGradients(p, "inputXGradient");
    const attributions = tf.tidy(() => tf.mul(p.x, grads) as tf.Tensor4D);
    grads.dispose();
    return { attributions };
  });
}

export interface GradientShapOptions extends SaliencyOptions {
  /**
   * The baseline distribution: a batch of reference images [N, H, W, C] drawn from at random, one reference
   * [H, W, C], or a constant (default 0).
   */
  baselines?: tf.Tensor | number;
  /** Draws per sample (default 5, captum's n_samples). */
  samples?: number;
  /** Standard deviation of Gaussian noise added to the input (default 0, captum's). */
  stdevs?: number;
  /** Seeds baseline picks, path points and noise (default 0). */
  seed?: number;
}

/**
 * GradientShap (Lundberg & Lee 2017, captum): for each draw, a random baseline b, α ~ U(0, 1) and noise ε:
 * (x + ε − b) ⊙ ∂y/∂x at b + α·(x + ε − b); averaged over draws. `delta` per sample is the mean over draws of
 * Σ attributions − (f(x + ε) − f(b)), captum's convergence delta (its expectation is 0).
 */
export function gradientShap(
  model: AnyModel,
  input: tf.Tensor,
  options: GradientShapOptions = {},
): SaliencyResult {
  checkOptions(options, "gradientShap", ["baselines", "samples", "stdevs", "seed"]);
  const draws = checkCount(options.samples, 5, "samples");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const stdevs = options.stdevs ?? 0;
  if (!(stdevs >= 0)) throw new RangeError(`stdevs must be non-negative, got ${stdevs}`);
  return run(model, input, options, "gradientShap", `GradientShap (${draws} samples)`, (p) => {
    const batch = p.x.shape[0];
    const references = baselineBank(p.x, options.baselines);
    const random = seededRandom(options.seed ?? 0);
    // rows in draw-major order: row r = draw ⌊r / batch⌋ of sample r mod batch
    const rows = range(draws * batch).map((r) => ({
      sample: r % batch,
      baseline: Math.floor(random() * references.shape[0]),
      alpha: random(),
      noiseSeed: Math.floor(random() * 2 ** 31),
    }));
    let total: tf.Tensor4D = tf.zerosLike(p.x);
    const deltas = new Float64Array(batch);
    for (let start = 0; start < rows.length; start += batchSize) {
      const chunk = rows.slice(start, start + batchSize);
      const samples = chunk.map((r) => r.sample);
      const { shifted, base, points } = tf.tidy(() => {
        const x = tf.gather(p.x, samples);
        const noisy =
          stdevs === 0
            ? x
            : tf.add(
                x,
                noiseRows(
                  x.shape,
                  chunk.map((r) => r.noiseSeed),
                  stdevs,
                ),
              );
        const b = tf.gather(
          references,
          chunk.map((r) => r.baseline),
        );
        const alphas = tf.tensor1d(chunk.map((r) => r.alpha)).reshape([chunk.length, 1, 1, 1]);
        return {
          shifted: tf.sub(noisy, b) as tf.Tensor4D,
          base: b as tf.Tensor4D,
          points: tf.add(b, tf.mul(alphas, tf.sub(noisy, b))) as tf.Tensor4D,
        };
      });
      const { grads } = inputGradients(p, points, samples, "gradientShap");
      const next = tf.tidy(() => {
        const attr = tf.mul(shifted, grads);
        const perRow = attr.sum([1, 2, 3]);
        const f = scoreRows(p, tf.concat([tf.add(base, shifted), base]), [...samples, ...samples]);
        const gap = tf.sub(f.slice(0, chunk.length), f.slice(chunk.length));
        tf.sub(perRow, gap)
          .dataSync()
          .forEach((d, i) => (deltas[samples[i]] += d / draws));
        return tf.add(total, sumBySample(attr, samples, batch)) as tf.Tensor4D;
      });
      tf.dispose([shifted, base, points, grads, total]);
      total = next;
    }
    const attributions = tf.tidy(() => tf.div(total, draws) as tf.Tensor4D);
    tf.dispose([total, references]);
    cleanScores(p);
    return { attributions, delta: Array.from(deltas) };
  });
}

/** Gaussian noise for rows, each from its own seed (so chunking never changes it). */
function noiseRows(shape: number[], seeds: number[], stdevs: number): tf.Tensor {
  return tf.concat(seeds.map((s) => tf.randomNormal([1, ...shape.slice(1)], 0, stdevs, "float32", s)));
}

/** The references to draw from, as a batch [N, H, W, C]. */
export function baselineBank(x: tf.Tensor4D, baselines: tf.Tensor | number | undefined): tf.Tensor4D {
  if (baselines === undefined || typeof baselines === "number") {
    return tf.fill([1, x.shape[1], x.shape[2], x.shape[3]], baselines ?? 0) as tf.Tensor4D;
  }
  const sample = x.shape.slice(1);
  if (baselines.rank === 3 && baselines.shape.every((d, i) => d === sample[i]))
    return baselines.expandDims(0) as tf.Tensor4D;
  if (baselines.rank === 4 && baselines.shape.slice(1).every((d, i) => d === sample[i]))
    return baselines.clone() as tf.Tensor4D;
  throw new RangeError(
    `baselines of shape [${baselines.shape}] do not fit the input: expected [N, ${sample}] or [${sample}]`,
  );
}

/** rows [n, ...] summed into [batch, ...] by their sample index (a one-hot product: no scatter kernel needed). */
export function sumBySample(rows: tf.Tensor, samples: number[], batch: number): tf.Tensor {
  return tf.tidy(() => {
    // tf.oneHot refuses a depth of 1: one sample's rows are simply summed
    if (batch === 1) return rows.sum(0, true);
    const flat = rows.reshape([rows.shape[0], -1]);
    const oneHot = tf.transpose(tf.oneHot(samples, batch).toFloat());
    return tf.matMul(oneHot, flat).reshape([batch, ...rows.shape.slice(1)]);
  });
}
