// captum's layer attributions on an inner layer's output A [B, h, w, C] (Layer Grad-CAM is the CAM family):
// Layer Integrated Gradients integrates ∂y/∂A along the straight line between A(baseline) and A(x), the rest of
// the network seeing the real input; Layer Conductance integrates along the input path and sums
// ∂y/∂A(xᵢ) · (A(xᵢ₊₁) − A(xᵢ)) over the path's points. Both report captum's convergence delta.
import { tf } from "../../backend";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelNode,
  type NodeRef,
} from "../../model";
import { quadrature, type IntegrationMethod } from "../quadrature";
import {
  baselineFor,
  checkCount,
  checkOptions,
  completeness,
  differentiate,
  range,
  run,
  scoreRows,
  type Prepared,
} from "./common";
import type { SaliencyOptions } from "../saliency";
import type { SaliencyResult } from "../saliency-result";

export interface LayerAttributionOptions extends SaliencyOptions {
  /**
   * The layer (LayersModel: name, "outer/inner" path or index) or node (GraphModel: full name, unique suffix or
   * name scope) whose output is attributed; it needs a [B, h, w, C] output.
   */
  layer: NodeRef;
  /** The reference input: a constant (default 0), one sample or the batch. */
  baseline?: tf.Tensor | number;
  /** Points on the path (default 50, captum's). */
  steps?: number;
  /** Default "gausslegendre", captum's. */
  method?: IntegrationMethod;
}

const OWN_OPTIONS = ["layer", "baseline", "steps", "method"];

function nodeOf(model: InspectableModel, options: LayerAttributionOptions, who: string): ModelNode {
  if (!options || options.layer === undefined)
    throw new TypeError(`${who} needs { layer }: a layer or node name, path or index`);
  checkOptions(options, who, OWN_OPTIONS);
  const node = model.resolve(options.layer);
  const shape = model.outputShape(node);
  if (shape && shape.length !== 4)
    notSpatial(
      who,
      node,
      shape.map((d) => d ?? "batch"),
    );
  return node;
}

function notSpatial(who: string, node: ModelNode, shape: (number | string)[]): never {
  throw new Error(
    `${who}: layer "${node.name}" outputs [${shape}]; these attributions need [batch, height, width, channels]`,
  );
}

/** The node's output on `x`, computing only what it needs. */
function capture(model: InspectableModel, x: tf.Tensor, node: ModelNode, who: string): tf.Tensor4D {
  const [a] = model.run([x], { capture: [node], capturesOnly: true }).captured;
  if (a.rank !== 4) {
    a.dispose();
    notSpatial(who, node, a.shape);
  }
  return a as tf.Tensor4D;
}

/** ∂(Σ scores)/∂A for rows of A fed as the node's output, the rest of the network seeing `inputs`. */
function gradientsAt(
  p: Prepared,
  node: ModelNode,
  inputs: tf.Tensor,
  values: tf.Tensor,
  samples: number[],
  who: string,
): tf.Tensor4D {
  return differentiate(p, who, values, (a) =>
    tf.sum(scoreRows(p, inputs, samples, { feed: { node, value: a } })),
  ) as tf.Tensor4D;
}

/** Layer Integrated Gradients: (A(x) − A(x′)) ⊙ ∫₀¹ ∂y/∂A at A(x′) + α(A(x) − A(x′)) dα. */
export function layerIntegratedGradients(
  model: AnyModel,
  input: tf.Tensor,
  options: LayerAttributionOptions,
): SaliencyResult {
  const who = "layerIntegratedGradients";
  const m = inspectModel(model, who);
  const layer = nodeOf(m, options, who);
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas, weights } = quadrature(options.method ?? "gausslegendre", steps);
  const label = `Layer Integrated Gradients at "${layer.name}" (${steps} steps)`;
  return run(m, input, options, who, label, (p) => {
    const batch = p.x.shape[0];
    const base = baselineFor(p.x, options.baseline);
    const atX = capture(m, p.x, layer, who);
    const atBase = capture(m, base, layer, who);
    const diff = tf.sub(atX, atBase) as tf.Tensor4D;
    let total: tf.Tensor4D = tf.zerosLike(atX);
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 < steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps - s0)).map((i) => s0 + i);
      const next = tf.tidy(() => {
        const values = tf.concat(ss.map((s) => tf.add(atBase, tf.mul(diff, alphas[s]))));
        const inputs = tf.concat(ss.map(() => p.x));
        const grads = gradientsAt(
          p,
          layer,
          inputs,
          values,
          ss.flatMap(() => range(batch)),
          who,
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
    const delta = completeness(p, base, attributions);
    tf.dispose([base, atX, atBase, diff, total]);
    return { attributions, delta };
  });
}

/**
 * Layer Conductance (Dhamdhere et al. 2018), captum's way: steps + 1 points xᵢ = x′ + αᵢ(x − x′) (αᵢ of the
 * integration method); attribution = Σᵢ ∂y/∂A(xᵢ) ⊙ (A(xᵢ₊₁) − A(xᵢ)).
 */
export function layerConductance(
  model: AnyModel,
  input: tf.Tensor,
  options: LayerAttributionOptions,
): SaliencyResult {
  const who = "layerConductance";
  const m = inspectModel(model, who);
  const layer = nodeOf(m, options, who);
  const steps = checkCount(options.steps, 50, "steps");
  const batchSize = checkCount(options.batchSize, 16, "batchSize");
  const { alphas } = quadrature(options.method ?? "gausslegendre", steps + 1);
  return run(m, input, options, who, `Layer Conductance at "${layer.name}" (${steps} steps)`, (p) => {
    const batch = p.x.shape[0];
    const base = baselineFor(p.x, options.baseline);
    const diff = tf.sub(p.x, base);
    let total: tf.Tensor4D | null = null;
    let previous: { value: tf.Tensor4D; grad: tf.Tensor4D } | null = null;
    const perPass = Math.max(1, Math.floor(batchSize / batch));
    for (let s0 = 0; s0 <= steps; s0 += perPass) {
      const ss = range(Math.min(perPass, steps + 1 - s0)).map((i) => s0 + i);
      const points = tf.tidy(() => tf.concat(ss.map((s) => tf.add(base, tf.mul(diff, alphas[s])))));
      const values = capture(m, points, layer, who);
      const grads = tf.tidy(() =>
        gradientsAt(
          p,
          layer,
          points,
          values,
          ss.flatMap(() => range(batch)),
          who,
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
    const delta = completeness(p, base, attributions);
    tf.dispose([base, diff]);
    return { attributions, delta };
  });
}
