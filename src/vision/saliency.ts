// Gradient saliency: vanilla gradients (Simonyan et al. 2014), SmoothGrad (Smilkov et al. 2017) and guided
// backpropagation (Springenberg et al. 2015); Integrated Gradients (Sundararajan et al. 2017) is in
// integrated-gradients.ts. The passes they share are in saliency-core.ts.
import { tf } from "../backend";
import { tfjsSeed } from "../data/seeded-random";
import type { AnyModel, ModelInputs } from "../model";
import {
  allButFirst,
  batchGradients,
  checkCount,
  chunkRows,
  copyChunks,
  inputGradients,
  range,
  run,
  sumCopies,
  type SaliencyOptions,
} from "./saliency-core";
import type { SaliencyResult } from "./saliency-result";

export type { SaliencyOptions, SaliencyTargets } from "./saliency-core";
export { integratedGradients, type IntegratedGradientsOptions } from "./integrated-gradients";

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
    for (const ks of copyChunks(copies, batchSize, batch)) {
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
