// Checks an input tensor against a model's input shape before anything runs, so that a wrong rank or size is
// reported at the call that caused it. A single image without its batch axis is accepted and batched.
// (The checks themselves live with the model interface: src/model/inputs.ts.)
import { tf } from "../backend";
import { inspectModel, type AnyModel } from "../model";
import { batchInputs } from "../model/inputs";

/**
 * Returns the input as a batch for `model`'s (single) input. `batched` tells whether a batch axis was added;
 * the returned tensor is new (the caller disposes it) only in that case.
 */
export function batchInput(
  model: AnyModel,
  input: tf.Tensor,
  what = "input",
): { x: tf.Tensor; batched: boolean } {
  if (!(input instanceof tf.Tensor)) throw new TypeError(`${what} must be a tf.Tensor, got ${typeof input}`);
  const m = inspectModel(model);
  if (m.inputs.length !== 1) {
    throw new Error(
      `model "${m.name}" has ${m.inputs.length} inputs; this function needs a single-input model`,
    );
  }
  const { xs, added } = batchInputs(m, input, what);
  return { x: xs[0], batched: added.length > 0 };
}
