// Reading a GraphModel's loaded graph: its op nodes in execution order, who consumes what, and which ops need
// executeAsync. tfjs keeps the graph in the model's executor (not public API: checked where it is read).
import type { tf } from "../backend";

export interface OpNode {
  name: string;
  op: string;
  category?: string;
  inputs: OpNode[];
  attrParams?: { [key: string]: { value: unknown } };
}
export interface Graph {
  nodes: { [name: string]: OpNode };
  outputs: OpNode[];
  inputs: OpNode[];
}

export function graphOf(model: tf.GraphModel): Graph {
  const graph = (model as unknown as { executor?: { graph?: Graph } }).executor?.graph;
  if (!graph?.nodes)
    throw new Error("this GraphModel has no loaded graph (load it with tf.loadGraphModel first)");
  return graph;
}

/** Nodes in an order where every node follows its inputs (depth-first from the outputs, without recursion). */
export function executionOrder(graph: Graph): OpNode[] {
  const order: OpNode[] = [];
  const state = new Set<OpNode>();
  const stack: [OpNode, number][] = graph.outputs.map((n) => [n, 0]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    if (next === 0 && state.has(node)) {
      stack.pop();
      continue;
    }
    state.add(node);
    if (next < node.inputs.length) {
      top[1] = next + 1;
      if (!state.has(node.inputs[next])) stack.push([node.inputs[next], 0]);
      continue;
    }
    order.push(node);
    stack.pop();
  }
  return order;
}

export const isOp = (n: OpNode) => n.op !== "Const" && n.op !== "Placeholder";

/** Ops that tfjs runs only with executeAsync (control flow, dynamic shapes). */
export function asyncOps(order: OpNode[]): OpNode[] {
  return order.filter((n) => n.category === "control" || n.category === "dynamic");
}

/** For each node, the op nodes that read its output. */
export function consumersOf(order: OpNode[]): Map<OpNode, OpNode[]> {
  const consumers = new Map<OpNode, OpNode[]>();
  for (const node of order) {
    for (const input of node.inputs) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  }
  return consumers;
}

const RELU_OPS = new Set(["Relu", "Relu6"]);

/** A Relu/Relu6 op, or a fused conv/matmul whose fused activation is one. */
export function endsInRelu(node: OpNode): boolean {
  if (RELU_OPS.has(node.op)) return true;
  const fused = node.attrParams?.fusedOps?.value;
  return Array.isArray(fused) && fused.some((op) => op === "relu" || op === "relu6");
}

/** Strips a ":0" output suffix from a tensor name. */
export const nodeNameOf = (name: string) => name.replace(/:\d+$/, "");
