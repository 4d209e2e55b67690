// Checks an input tensor against a model's input shape before anything runs, so that a wrong rank or size is
// reported at the call that caused it. A single image without its batch axis is accepted and batched.
import { tf } from "../backend";
import { withShapeHint } from "../model/shape-hint";

interface InputShaped {
  inputs: { shape: (number | null)[] }[];
  name: string;
}

function showShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? "null" : d)).join(", ")}]`;
}

/**
 * A Sequential built from a layer list has no node graph until its first predict/summary (tfjs builds it
 * lazily); the node walker needs one. Building is what predict would do anyway: it adds no nodes to the layers.
 */
export function ensureBuilt(model: tf.LayersModel): void {
  if (model instanceof tf.Sequential && (model as unknown as { model?: unknown }).model == null)
    model.build();
}

/**
 * Returns the input as a batch for `model`'s (single) input. `batched` tells whether a batch axis was added;
 * the returned tensor is new (the caller disposes it) only in that case.
 */
export function batchInput(
  model: tf.LayersModel,
  input: tf.Tensor,
  what = "input",
): { x: tf.Tensor; batched: boolean } {
  if (!(input instanceof tf.Tensor)) throw new TypeError(`${what} must be a tf.Tensor, got ${typeof input}`);
  ensureBuilt(model);
  const spec = model as unknown as InputShaped;
  if (spec.inputs.length !== 1) {
    throw new Error(
      `model "${model.name}" has ${spec.inputs.length} inputs; this function needs a single-input model`,
    );
  }
  const expected = spec.inputs[0].shape;
  const rankOk = input.rank === expected.length || input.rank === expected.length - 1;
  const offset = input.rank === expected.length ? 0 : 1;
  const mismatch = expected.slice(1).some((d, i) => d !== null && input.shape[i + 1 - offset] !== d);
  if (!rankOk || mismatch) {
    throw new RangeError(
      withShapeHint(
        `${what} of shape ${showShape(input.shape)} does not fit model "${model.name}", which expects ` +
          `${showShape(expected)} (or one sample ${showShape(expected.slice(1))})`,
        input.shape,
        expected,
      ),
    );
  }
  if (offset === 0) return { x: input, batched: false };
  return { x: input.expandDims(0), batched: true };
}
