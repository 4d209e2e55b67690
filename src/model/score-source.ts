// What CAMs and saliency score: one of the model's outputs (by index or name), or any inner node. Grad-CAM takes
// the class score before the softmax, and a converted model often ends in one, so `{ output: ".../dense/BiasAdd" }`
// points at the logits node instead.
import { tf } from "../backend";
import type { InspectableModel, ModelNode, RunOptions, RunResult, Shape } from "./types";

/** An output index, an output name, or an inner node's name (its value is scored). */
export type OutputRef = number | string;

export interface ScoreSource {
  /** Index into the model's outputs, or -1 for an inner node. */
  outputIndex: number;
  node: ModelNode | null;
  /** The scored tensor's shape (batch may be null), when known before running. */
  shape: Shape | null;
  /** How error messages name it. */
  label: string;
}

export function resolveOutput(model: InspectableModel, ref: OutputRef | undefined): ScoreSource {
  const outputs = model.outputs;
  if (ref === undefined || typeof ref === "number") {
    const index = ref ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= outputs.length) {
      throw new RangeError(
        `output ${index} is outside model "${model.name}", which has ${outputs.length} output(s) ` +
          `(0..${outputs.length - 1}): ${outputs.map((o) => `"${o.name}"`).join(", ")}`,
      );
    }
    return {
      outputIndex: index,
      node: null,
      shape: outputs[index].shape,
      label: `output "${outputs[index].name}"`,
    };
  }
  if (typeof ref !== "string") {
    throw new TypeError(`output must be an output index, an output name or a node name, got ${typeof ref}`);
  }
  const byName = outputs.findIndex((o) => o.name === ref || o.name === ref.replace(/:\d+$/, ""));
  if (byName >= 0) return resolveOutput(model, byName);
  const node = model.resolve(ref);
  return { outputIndex: -1, node, shape: model.outputShape(node), label: `node "${node.name}"` };
}

/** The class count of a [batch, classes] score tensor, else null. */
export function classCountOfSource(source: ScoreSource): number | null {
  const shape = source.shape;
  return shape && shape.length === 2 && typeof shape[1] === "number" ? shape[1] : null;
}

/**
 * Runs the model and returns the scored tensor with the run's captures; nothing else is computed beyond what
 * they need. The tensors are the caller's.
 */
export function runScored(
  model: InspectableModel,
  inputs: tf.Tensor[],
  source: ScoreSource,
  options: RunOptions = {},
): { scored: tf.Tensor; captured: tf.Tensor[] } {
  if (source.node) {
    const result = model.run(inputs, {
      ...options,
      capture: [...(options.capture ?? []), source.node],
      capturesOnly: true,
    });
    const scored = result.captured.pop() as tf.Tensor;
    return { scored, captured: result.captured };
  }
  const result: RunResult = model.run(inputs, { ...options, capturesOnly: false });
  const scored = result.outputs[source.outputIndex];
  tf.dispose(result.outputs.filter((_, i) => i !== source.outputIndex));
  return { scored, captured: result.captured };
}
