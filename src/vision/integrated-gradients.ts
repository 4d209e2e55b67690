// Integrated Gradients (Sundararajan et al. 2017), as captum computes it: a quadrature of the gradients along the
// straight path from a baseline to the input, with its completeness delta.
import { tf } from "../backend";
import type { AnyModel, ModelInputs } from "../model";
import { quadrature, type IntegrationMethod } from "./quadrature";
import {
  allButFirst,
  checkCount,
  chunkRows,
  copyChunks,
  cleanScores,
  differentiable,
  inputGradients,
  range,
  run,
  scoreRows,
  sumCopies,
  type Prepared,
  type SaliencyOptions,
} from "./saliency-core";
import type { SaliencyResult } from "./saliency-result";

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
    for (const ss of copyChunks(steps, batchSize, batch)) {
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
