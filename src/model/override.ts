// Running a GraphModel with some nodes computed by the caller (RunOptions.override): the graph is run piece by
// piece, as guided backpropagation does. Each overridden node's inputs are fetched (the executor stops at fed
// nodes, so each piece runs only the ops since the previous override), the caller's value is fed as the node's
// output, and the rest runs from there: one forward pass in all, on the gradient tape like any other.
import type { tf } from "../backend";
import { ancestors } from "./guided";
import type { OpNode } from "./graph-topology";
import type { ModelNode, NodeOverride } from "./types";

function executeList(model: tf.GraphModel, feeds: tf.NamedTensorMap, names: string[]): tf.Tensor[] {
  const out = model.execute(feeds, names);
  return Array.isArray(out) ? out : [out];
}

/**
 * `model.execute(feeds, names)` with each overridden op computed by `override.call`. Call it inside tf.tidy: the
 * intermediate values are left to it.
 */
export function overriddenExecute(
  model: tf.GraphModel,
  order: OpNode[],
  feeds: tf.NamedTensorMap,
  names: string[],
  override: NodeOverride,
  nodeOf: (op: OpNode) => ModelNode,
  opOf: (node: ModelNode) => OpNode,
): tf.Tensor[] {
  const fed = new Set(Object.keys(feeds));
  const needed = ancestors(order, fed, names);
  const chosen = new Set(override.nodes.map(opOf));
  const running: tf.NamedTensorMap = { ...feeds };
  for (const op of order) {
    if (!chosen.has(op) || !needed.has(op) || fed.has(op.name)) continue;
    const sources = op.inputs.filter((i) => i.op !== "Const").map((i) => i.name);
    const values = sources.length > 0 ? executeList(model, running, sources) : [];
    const own = (inputs: tf.Tensor[]) => {
      const local: tf.NamedTensorMap = { ...running };
      sources.forEach((name, i) => (local[name] = inputs[i]));
      return executeList(model, local, [op.name])[0];
    };
    running[op.name] = override.call(nodeOf(op), values, own);
  }
  return executeList(model, running, names);
}
