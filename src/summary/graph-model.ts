// GraphModel summaries: one row per node group (the ops under one name scope, e.g. "model/conv1/Conv2D",
// ".../BiasAdd", ".../Relu" → "model/conv1"), in execution order. tfjs has no static shape functions for graph
// ops, so shapes come from one run on zeros of the input size inside tf.tidy (nothing is kept).
import { tf } from "../backend";
import { resolveInputSize } from "./options";
import type { Collected, CollectedRow, Shape } from "./types";

// The loaded graph that GraphModel keeps in its executor (not public API; checked below).
interface OpNode {
  name: string;
  op: string;
  inputs: OpNode[];
}
interface Graph {
  nodes: { [name: string]: OpNode };
  outputs: OpNode[];
}

const WEIGHTED_BY_POSITION = new Set([
  "Conv2D",
  "_FusedConv2D",
  "Conv3D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "MatMul",
  "_FusedMatMul",
  "BiasAdd",
]);
const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

function graphOf(model: tf.GraphModel): Graph {
  const graph = (model as unknown as { executor?: { graph?: Graph } }).executor?.graph;
  if (!graph?.nodes)
    throw new Error("summary: this GraphModel has no loaded graph (call tf.loadGraphModel first)");
  return graph;
}

/** Nodes in an order where every node follows its inputs (depth-first from the outputs, without recursion). */
function executionOrder(graph: Graph): OpNode[] {
  const order: OpNode[] = [];
  const state = new Map<OpNode, "open" | "done">();
  const stack: [OpNode, number][] = graph.outputs.map((n) => [n, 0]);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    if (next === 0 && state.has(node)) {
      stack.pop();
      continue;
    }
    state.set(node, "open");
    if (next < node.inputs.length) {
      top[1] = next + 1;
      if (!state.has(node.inputs[next])) stack.push([node.inputs[next], 0]);
      continue;
    }
    state.set(node, "done");
    order.push(node);
    stack.pop();
  }
  return order;
}

const scopeOf = (name: string) => (name.includes("/") ? name.slice(0, name.lastIndexOf("/")) : name);
const isOp = (n: OpNode) => n.op !== "Const" && n.op !== "Placeholder";

function isFloatWeight(model: tf.GraphModel, node: OpNode): boolean {
  return node.op === "Const" && model.weights[node.name]?.[0]?.dtype === "float32";
}

function weightSize(model: tf.GraphModel, node: OpNode): number {
  return size(model.weights[node.name][0].shape);
}

function nodeMultAdds(model: tf.GraphModel, node: OpNode, output: Shape): number {
  const weights = node.inputs.filter((n) => isFloatWeight(model, n));
  if (weights.length === 0) return 0;
  const batch = output[0] ?? NaN;
  if (WEIGHTED_BY_POSITION.has(node.op)) {
    const positions = size(output.slice(0, -1) as number[]);
    return weights.reduce((n, w) => n + weightSize(model, w), 0) * positions;
  }
  // FusedBatchNorm: scale and offset once per sample (torchinfo's normalisation rule); others: batch × weights.
  const counted = node.op.startsWith("FusedBatchNorm") ? weights.slice(0, 2) : weights;
  return batch * counted.reduce((n, w) => n + weightSize(model, w), 0);
}

/** Output shapes of the named nodes from one run on zeros; every tensor is disposed before returning. */
function runShapes(model: tf.GraphModel, inputShapes: number[][], names: string[]): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  try {
    tf.tidy(() => {
      const feeds = model.inputs.map((info, i) => tf.zeros(inputShapes[i], info.dtype));
      const outputs = model.execute(feeds.length === 1 ? feeds[0] : feeds, names);
      const list = Array.isArray(outputs) ? outputs : [outputs];
      names.forEach((name, i) => shapes.set(name, list[i].shape));
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `summary: could not run the GraphModel on zeros of ${JSON.stringify(inputShapes)}: ${message}`,
    );
  }
  return shapes;
}

function graphInputShapes(model: tf.GraphModel, inputSize: unknown): number[][] {
  const declared = model.inputs.map((info) => (info.shape ?? []).map((d) => (d < 0 ? null : d)));
  const names = model.inputs.map((info) => info.name);
  const shapes = resolveInputSize(inputSize, declared, names);
  if (shapes.some((s) => s.includes(null))) {
    throw new Error(
      `summary: the GraphModel's inputs ${JSON.stringify(declared)} have unknown sizes; pass inputSize, ` +
        "e.g. { inputSize: [1, 224, 224, 3] }",
    );
  }
  return shapes as number[][];
}

interface Group {
  name: string;
  nodes: OpNode[];
  /** The first input that comes from outside the group (its input shape is the row's). */
  external?: OpNode;
}

function groupNodes(order: OpNode[]): Group[] {
  const groups = new Map<string, OpNode[]>();
  for (const node of order) groups.set(scopeOf(node.name), [...(groups.get(scopeOf(node.name)) ?? []), node]);
  return [...groups.entries()].map(([name, nodes]) => {
    const inside = new Set(nodes);
    const external = nodes.flatMap((n) => n.inputs).find((i) => i.op !== "Const" && !inside.has(i));
    return { name, nodes, external };
  });
}

/** Nodes whose output shapes the rows need: each group's last node and input, weighted ops, graph outputs. */
function neededShapes(model: tf.GraphModel, graph: Graph, groups: Group[]): string[] {
  const names = groups.flatMap((g) => [
    g.nodes[g.nodes.length - 1].name,
    ...(g.external && g.external.op !== "Placeholder" ? [g.external.name] : []),
    ...g.nodes.filter((n) => n.inputs.some((i) => isFloatWeight(model, i))).map((n) => n.name),
  ]);
  return [...new Set([...names, ...graph.outputs.map((n) => n.name)])];
}

function groupRow(model: tf.GraphModel, group: Group, shapes: Map<string, Shape>, claimed: Set<OpNode>) {
  // A weight read by several groups belongs to the first one.
  const consts = group.nodes.flatMap((n) =>
    n.inputs.filter((i) => isFloatWeight(model, i) && !claimed.has(i)),
  );
  consts.forEach((c) => claimed.add(c));
  const output = shapes.get(group.nodes[group.nodes.length - 1].name) as number[];
  const row: CollectedRow = {
    name: group.name,
    className: [...new Set(group.nodes.map((n) => n.op))].join("+"),
    depth: 1,
    inputShapes: group.external ? [shapes.get(group.external.name) ?? []] : [],
    outputShapes: [output],
    kernelSize: null,
    params: consts.reduce((n, c) => n + weightSize(model, c), 0),
    trainableParams: 0,
    multAdds: group.nodes.reduce(
      (n, node) => n + nodeMultAdds(model, node, shapes.get(node.name) ?? output),
      0,
    ),
    outputBytes: 4 * size(output),
    isContainer: false,
    isRecursive: false,
  };
  return row;
}

export function collectGraphModel(model: tf.GraphModel, inputSize: unknown): Collected {
  const graph = graphOf(model);
  const inputShapes = graphInputShapes(model, inputSize);
  const groups = groupNodes(executionOrder(graph).filter(isOp));
  const shapes: Map<string, Shape> = runShapes(model, inputShapes, neededShapes(model, graph, groups));
  model.inputs.forEach((info, i) => shapes.set(info.name, inputShapes[i]));
  const claimed = new Set<OpNode>();
  const rows = groups.map((group) => groupRow(model, group, shapes, claimed));
  const totalParams = rows.reduce((n, r) => n + r.params, 0);
  const outputShapes = graph.outputs.map((n) => shapes.get(n.name) as Shape);
  const root: CollectedRow = {
    name: "GraphModel",
    className: "GraphModel",
    depth: 0,
    inputShapes,
    outputShapes,
    kernelSize: null,
    params: totalParams,
    trainableParams: 0,
    multAdds: 0,
    outputBytes: 4 * size(outputShapes[0] as number[]),
    isContainer: true,
    isRecursive: false,
  };
  return {
    rows: [root, ...rows],
    inputBytes: inputShapes.reduce((n, s) => n + 4 * size(s), 0),
    totalParams,
    trainableParams: 0,
    paramBytes: 4 * totalParams,
    shapesKnown: true,
  };
}
