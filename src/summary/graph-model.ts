// GraphModel summaries, hierarchical by name scope as a LayersModel's are by nesting: the model interface's scope
// tree (src/model/graph-scopes.ts) gives one row per scope and per node group (the ops of an innermost scope,
// e.g. "model/conv1/Conv2D", ".../BiasAdd", ".../Relu" → "model/conv1"), in execution order. Each row's name is
// the scope, which addresses the scope's output node in every other feature. tfjs has no static shape functions
// for graph ops, so shapes come from one run on zeros of the input size inside tf.tidy (nothing is kept).
import { tf } from "../backend";
import { GraphModelAdapter } from "../model";
import { graphOf, type OpNode } from "../model/graph-topology";
import { flattenScopes, type ScopeRow } from "../model/graph-scopes";
import { shortScopeNames } from "../model/graph-names";
import { resolveInputSize } from "./options";
import type { Collected, CollectedRow, Shape } from "./types";

const WEIGHTED_BY_POSITION = new Set([
  "Conv2D",
  "_FusedConv2D",
  "Conv3D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "Conv2DBackpropInput",
  "MatMul",
  "_FusedMatMul",
  "BiasAdd",
]);
const CONV_OPS = new Set([
  "Conv2D",
  "_FusedConv2D",
  "DepthwiseConv2dNative",
  "FusedDepthwiseConv2dNative",
  "Conv2DBackpropInput",
]);
const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

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

/** A group's kernel: its first convolution's filter [kh, kw], or its pooling window. */
function kernelSizeOf(model: tf.GraphModel, ops: OpNode[]): number[] | null {
  for (const op of ops) {
    if (CONV_OPS.has(op.op)) {
      const filter = op.inputs.find((i) => i.op === "Const" && model.weights[i.name]?.[0]?.rank === 4);
      if (filter) return model.weights[filter.name][0].shape.slice(0, 2);
    }
    const window = op.attrParams?.kernelSize?.value;
    if (Array.isArray(window) && window.length === 4) return (window as number[]).slice(1, 3);
  }
  return null;
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

/** The first input that comes from outside the row's ops (its shape is the row's input shape). */
function externalInput(row: ScopeRow): OpNode | undefined {
  const inside = new Set(row.ops);
  return row.ops.flatMap((n) => n.inputs).find((i) => i.op !== "Const" && !inside.has(i));
}

function toRow(
  model: tf.GraphModel,
  row: ScopeRow,
  name: string,
  shapes: Map<string, Shape>,
  claimed: Set<OpNode>,
): CollectedRow {
  const isGroup = row.children.length === 0;
  const output = shapes.get(row.output.name) as number[];
  const external = externalInput(row);
  const weights = row.ops.flatMap((n) => n.inputs.filter((i) => isFloatWeight(model, i)));
  // A weight read by several groups belongs to the first one.
  const own = isGroup ? weights.filter((c) => !claimed.has(c)) : [...new Set(weights)];
  if (isGroup) own.forEach((c) => claimed.add(c));
  return {
    name,
    className: isGroup ? [...new Set(row.ops.map((n) => n.op))].join("+") : "NameScope",
    depth: row.depth,
    inputShapes: external ? [shapes.get(external.name) ?? []] : [],
    outputShapes: [output],
    kernelSize: isGroup ? kernelSizeOf(model, row.ops) : null,
    params: [...new Set(own)].reduce((n, c) => n + weightSize(model, c), 0),
    trainableParams: 0,
    multAdds: isGroup
      ? row.ops.reduce((n, node) => n + nodeMultAdds(model, node, shapes.get(node.name) ?? output), 0)
      : 0,
    outputBytes: 4 * size(output),
    isContainer: !isGroup,
    isRecursive: false,
  };
}

/** Nodes whose output shapes the rows need: every op (one run fetches them all), and the graph outputs. */
function neededShapes(ops: OpNode[]): string[] {
  return ops.map((n) => n.name);
}

export function collectGraphModel(model: tf.GraphModel, inputSize: unknown): Collected {
  const adapter = new GraphModelAdapter(model);
  const graph = graphOf(model);
  const inputShapes = graphInputShapes(model, inputSize);
  const shapes: Map<string, Shape> = runShapes(model, inputShapes, neededShapes(adapter.order));
  model.inputs.forEach((info, i) => shapes.set(info.name, inputShapes[i]));
  graph.inputs.forEach((node, i) => shapes.set(node.name, inputShapes[i]));
  const claimed = new Set<OpNode>();
  // groups claim their weights in execution order; a scope's count is the union of its subtree's
  const flat = flattenScopes(adapter.scopes());
  const names = shortScopeNames(adapter.order, flat);
  const row = (r: ScopeRow) => toRow(model, r, names.get(r) ?? r.scope, shapes, claimed);
  const groups = new Map(flat.filter((r) => r.children.length === 0).map((r) => [r, row(r)]));
  const rows = flat.map((r) => groups.get(r) ?? row(r));
  const totalParams = [...groups.values()].reduce((n, r) => n + r.params, 0);
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
