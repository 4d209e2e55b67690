// captum's layer attributions on an inner layer's output A [B, h, w, C] (Layer Grad-CAM is the CAM family):
// Layer Integrated Gradients integrates ∂y/∂A along the straight line between A(baseline) and A(x), the rest of
// the network seeing the real input; Layer Conductance integrates along the input path and sums
// ∂y/∂A(xᵢ) · (A(xᵢ₊₁) − A(xᵢ)) over the path's points. Both report captum's convergence delta.
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { layersModelOf } from "../layers-only";
import { resolveLayer, runModel, type Layer, type LayerRef } from "../graph";
import { quadrature, type IntegrationMethod } from "../quadrature";
import { baselineFor, checkCount, completeness, range, run, type Prepared } from "./common";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";

export interface LayerAttributionOptions extends SaliencyOptions {
  /** The layer whose output is attributed (name, "outer/inner" path or index); needs [B, h, w, C] output. */
  layer: LayerRef;
  /** The reference input: a constant (default 0), one sample or the batch. */
  baseline?: tf.Tensor | number;
  /** Points on the path (default 50, captum's). */
  steps?: number;
  /** Default "gausslegendre", captum's. */
  method?: IntegrationMethod;
}

function layerOf(model: tf.LayersModel, options: LayerAttributionOptions, who: string): Layer {
  if (!options || options.layer === undefined)
    throw new TypeError(`${who} needs { layer }: a layer name, path or index`);
  return resolveLayer(model, options.layer);
}

function capture(model: tf.LayersModel, x: tf.Tensor, layer: Layer, who: string): tf.Tensor4D {
  const [a] = runModel(model, x, { capture: [layer], stopAfterCapture: true }).captured;
  if (a.rank !== 4) {
    a.dispose();
    throw new Error(
      `${who}: layer "${layer.name}" outputs [${a.shape}]; these attributions need [batch, height, width, channels]`,
    );
  }
  return a as tf.Tensor4D;
}

/** ∂(Σ scores)/∂A for rows of A substituted into the layer, the network seeing `inputs`. */
function gradientsAt(
  model: tf.LayersModel,
  layer: Layer,
  inputs: tf.Tensor,
  values: tf.Tensor,
  p: Prepared,
  samples: number[],
): tf.Tensor4D {
  return tf.grad((a: tf.Tensor) => {
    const [output] = runModel(model, inputs, { substitute: { layer, value: a } }).outputs;
    return tf.sum(p.targets.score(output, samples));
  })(values) as tf.Tensor4D;
}

/** Layer Integrated Gradients: (A(x) − A(x′)) ⊙ ∫₀¹ ∂y/∂A at A(x′) + α(A(x) − A(x′)) dα. */
export function layerIntegratedGradients(
  anyModel: AnyModel,
  input: tf.Tensor,
  options: LayerAttributionOptions,
): SaliencyResult {
  const model = layersModelOf(anyModel, "layerIntegratedGradients");
  const layer = layerOf(model, options, "layerIntegratedGradients");
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas, weights } = quadrature(options.method ?? "gausslegendre", steps);
  return run(model, input, options, `Layer Integrated Gradients at "${layer.name}" (${steps} steps)`, (p) => {
    const batch = p.x.shape[0];
    const base = baselineFor(p.x, options.baseline);
    const atX = capture(model, p.x, layer, "layerIntegratedGradients");
    const atBase = capture(model, base, layer, "layerIntegratedGradients");
    const diff = tf.sub(atX, atBase) as tf.Tensor4D;
    let total: tf.Tensor4D = tf.zerosLike(atX);
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 < steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps - s0)).map((i) => s0 + i);
      const next = tf.tidy(() => {
        const values = tf.concat(ss.map((s) => tf.add(atBase, tf.mul(diff, alphas[s]))));
        const inputs = tf.concat(ss.map(() => p.x));
        const grads = gradientsAt(
          model,
          layer,
          inputs,
          values,
          p,
          ss.flatMap(() => range(batch)),
        );
        const w = tf.tensor1d(ss.map((s) => weights[s])).reshape([ss.length, 1, 1, 1, 1]);
        return tf.add(
          total,
          grads
            .reshape([ss.length, ...atX.shape])
            .mul(w)
            .sum(0),
        ) as tf.Tensor4D;
      });
      total.dispose();
      total = next;
    }
    const attributions = tf.tidy(() => tf.mul(diff, total) as tf.Tensor4D);
    const delta = completeness(model, p, base, attributions);
    tf.dispose([base, atX, atBase, diff, total]);
    return { attributions, delta };
  });
}

/**
 * Layer Conductance (Dhamdhere et al. 2018), captum's way: steps + 1 points xᵢ = x′ + αᵢ(x − x′) (αᵢ of the
 * integration method); attribution = Σᵢ ∂y/∂A(xᵢ) ⊙ (A(xᵢ₊₁) − A(xᵢ)).
 */
export function layerConductance(
  anyModel: AnyModel,
  input: tf.Tensor,
  options: LayerAttributionOptions,
): SaliencyResult {
  const model = layersModelOf(anyModel, "layerConductance");
  const layer = layerOf(model, options, "layerConductance");
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas } = quadrature(options.method ?? "gausslegendre", steps + 1);
  return run(model, input, options, `Layer Conductance at "${layer.name}" (${steps} steps)`, (p) => {
    const batch = p.x.shape[0];
    const base = baselineFor(p.x, options.baseline);
    const diff = tf.sub(p.x, base);
    let total: tf.Tensor4D | null = null;
    let previous: { value: tf.Tensor4D; grad: tf.Tensor4D } | null = null;
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 <= steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps + 1 - s0)).map((i) => s0 + i);
      const points = tf.tidy(() => tf.concat(ss.map((s) => tf.add(base, tf.mul(diff, alphas[s])))));
      const values = capture(model, points, layer, "layerConductance");
      const grads = tf.tidy(() =>
        gradientsAt(
          model,
          layer,
          points,
          values,
          p,
          ss.flatMap(() => range(batch)),
        ),
      );
      points.dispose();
      const perStep = (t: tf.Tensor4D, i: number) => t.slice(i * batch, batch);
      for (let i = 0; i < ss.length; i++) {
        const value = tf.tidy(() => perStep(values, i));
        if (previous) {
          const prev: { value: tf.Tensor4D; grad: tf.Tensor4D } = previous;
          const term = tf.tidy(() => tf.mul(prev.grad, tf.sub(value, prev.value)) as tf.Tensor4D);
          const sum: tf.Tensor4D = total ? (tf.add(total, term) as tf.Tensor4D) : term;
          if (total) tf.dispose([total, term]);
          total = sum;
          tf.dispose([prev.value, prev.grad]);
        }
        previous = { value, grad: tf.tidy(() => perStep(grads, i)) };
      }
      tf.dispose([values, grads]);
    }
    if (previous) tf.dispose([previous.value, previous.grad]);
    const attributions = total as unknown as tf.Tensor4D;
    const delta = completeness(model, p, base, attributions);
    tf.dispose([base, diff]);
    return { attributions, delta };
  });
}
