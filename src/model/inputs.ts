// Inputs as users give them (one tensor, a list in input order, a name → tensor map; one sample without its batch
// axis), checked against the model's input specs before anything runs, so a wrong shape is reported at the call.
import { tf } from "../backend";
import { withShapeHint } from "./shape-hint";
import type { InspectableModel, ModelInputs, Shape } from "./types";

function showShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "null" : d)).join(", ")}]`;
}

/** The input tensors in the model's input order. */
export function inputList(model: InspectableModel, inputs: ModelInputs, what = "input"): tf.Tensor[] {
  const specs = model.inputs;
  if (inputs instanceof tf.Tensor) {
    if (specs.length !== 1) {
      throw new Error(
        `model "${model.name}" has ${specs.length} inputs (${specs.map((s) => `"${s.name}"`).join(", ")}); ` +
          "give a list of tensors in that order or a map from input name to tensor",
      );
    }
    return [inputs];
  }
  const list = Array.isArray(inputs) ? inputs : namedInputs(model, inputs, what);
  if (list.length !== specs.length) {
    throw new Error(`model "${model.name}" takes ${specs.length} input(s), got ${list.length} tensor(s)`);
  }
  list.forEach((t, i) => {
    if (!(t instanceof tf.Tensor)) throw new TypeError(`${what} ${i} must be a tf.Tensor, got ${typeof t}`);
  });
  return list;
}

function namedInputs(model: InspectableModel, inputs: tf.NamedTensorMap, what: string): tf.Tensor[] {
  if (inputs === null || typeof inputs !== "object") {
    throw new TypeError(
      `${what} must be a tf.Tensor, a list of them or a name → tensor map, got ${typeof inputs}`,
    );
  }
  const names = model.inputs.map((s) => s.name);
  const unknown = Object.keys(inputs).filter((k) => !names.includes(k.replace(/:\d+$/, "")));
  if (unknown.length > 0) {
    throw new Error(
      `model "${model.name}" has no input ${unknown.map((k) => `"${k}"`).join(", ")}; its inputs: ${names.map((n) => `"${n}"`).join(", ")}`,
    );
  }
  return names.map((name) => {
    const value = inputs[name] ?? inputs[`${name}:0`];
    if (!value) throw new Error(`${what}: no tensor for model input "${name}"`);
    return value;
  });
}

/**
 * Batches each input (a single sample gets its batch axis) and checks it against the spec. `added` says which
 * tensors are new (the caller disposes those).
 */
export function batchInputs(
  model: InspectableModel,
  inputs: ModelInputs,
  what = "input",
): { xs: tf.Tensor[]; added: tf.Tensor[] } {
  const list = inputList(model, inputs, what);
  const xs = list.map((input, i) => batchOne(model.name, model.inputs[i].shape, input, what));
  return { xs, added: xs.filter((x, i) => x !== list[i]) };
}

function batchOne(modelName: string, expected: Shape, input: tf.Tensor, what: string): tf.Tensor {
  const rankOk = input.rank === expected.length || input.rank === expected.length - 1;
  const offset = input.rank === expected.length ? 0 : 1;
  const mismatch = expected.slice(1).some((d, i) => d !== null && input.shape[i + 1 - offset] !== d);
  if (expected.length > 0 && (!rankOk || mismatch)) {
    throw new RangeError(
      withShapeHint(
        `${what} of shape ${showShape(input.shape)} does not fit model "${modelName}", which expects ` +
          `${showShape(expected)} (or one sample ${showShape(expected.slice(1))})`,
        input.shape,
        expected,
      ),
    );
  }
  return offset === 0 || expected.length === 0 ? input : input.expandDims(0);
}
