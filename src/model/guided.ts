// Guided backpropagation (Springenberg et al. 2015): a ReLU's backward pass becomes R·1[x > 0]·1[R > 0]. The
// ReLU's own gradient gives 1[x > 0]; an identity gate after it, whose gradient is relu(R), gives 1[R > 0]. The
// model is never edited: a LayersModel's walker wraps the layers' outputs; a GraphModel is run piece by piece,
// each ReLU-family node (Relu, Relu6, convs and matmuls with a fused ReLU) fetched, gated and fed back.
import { tf } from "../backend";
import { endsInRelu, type OpNode } from "./graph-topology";

/** Identity forward; backward lets only positive gradients through. */
export const positiveGradientsOnly = tf.customGrad(((y: tf.Tensor) => ({
  value: tf.clone(y),
  gradFunc: (dy: tf.Tensor) => tf.relu(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]) as (y: tf.Tensor) => tf.Tensor;

/** The ops the wanted nodes are computed from, not looking past fed nodes. */
export function ancestors(order: OpNode[], fed: Set<string>, names: string[]): Set<OpNode> {
  const byName = new Map(order.map((n) => [n.name, n]));
  const seen = new Set<OpNode>();
  const stack = names.map((n) => byName.get(n)).filter((n): n is OpNode => n !== undefined);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (!fed.has(node.name)) stack.push(...node.inputs);
  }
  return seen;
}

/**
 * `model.execute(feeds, names)` with every ReLU-family node gated. The executor stops at fed nodes, so each
 * piece runs only the ops between the previous gates and the next one: one forward pass in all. Call it inside
 * tf.tidy: the intermediate values are left to it.
 */
export function guidedExecute(
  model: tf.GraphModel,
  order: OpNode[],
  feeds: tf.NamedTensorMap,
  names: string[],
): tf.Tensor[] {
  const fed = new Set(Object.keys(feeds));
  const needed = ancestors(order, fed, names);
  const gates = order.filter((n) => endsInRelu(n) && needed.has(n) && !fed.has(n.name));
  const running: tf.NamedTensorMap = { ...feeds };
  for (const gate of gates) {
    running[gate.name] = positiveGradientsOnly(model.execute(running, gate.name) as tf.Tensor);
  }
  const out = model.execute(running, names);
  return Array.isArray(out) ? out : [out];
}
