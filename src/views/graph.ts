// graph(): TensorBoard's graph dashboard. Sources: the GraphDef of a run (addGraph from us, PyTorch's add_graph,
// tensorboardX), a tfjs LayersModel (walked layer by layer, nested models becoming nested scopes) or a GraphModel
// (its topology already is a GraphDef). Name scopes ("/" in names) collapse into boxes; laid out by dagre (see
// graph-draw.ts) into a still SVG, and a live HTML view where a click expands a box and the wheel zooms.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { GraphDefProto, TO_OBJECT } from "../events/schema";
import { graphModelToGraphDef } from "../events/graph-def";
import { isGraphModel } from "../model";
import { runsOf, selectRuns, type RunsSource } from "./source";
import { drawGraph, mountGraph, type GraphData, type GraphNodeData } from "./graph-draw";
import { LogView } from "./view";
import { textTable } from "./chart";

export type { GraphData, GraphNodeData } from "./graph-draw";

export interface GraphOptions {
  /** The run whose graph to show (default: the only run with a graph; several is an error naming them). */
  run?: string;
  /** Scopes drawn open at first (default: the chain of single top-level scopes, as in TensorBoard). */
  expanded?: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- GraphDefs and tfjs layers are walked as plain objects */
const shapeText = (shape: any): string =>
  shape?.unknown_rank || !Array.isArray(shape?.dim)
    ? ""
    : `[${shape.dim.map((d: any) => (Number(d.size) < 0 ? "?" : String(Number(d.size ?? 0)))).join(", ")}]`;

const cleanInput = (input: string): string => input.replace(/^\^/, "").replace(/:\d+$/, "");

/** GraphDef nodes (decoded protobuf or a GraphModel's JSON topology) as the view's data. */
export function graphDefData(graphDef: any): GraphData {
  const nodes: GraphNodeData[] = (graphDef?.node ?? []).map((node: any) => {
    // The recorded output shape; else what a constant or a placeholder declares (converted models record none).
    const shape =
      node.attr?._output_shapes?.list?.shape?.[0] ??
      node.attr?.value?.tensor?.tensor_shape ??
      node.attr?.shape?.shape;
    return {
      name: String(node.name),
      op: String(node.op ?? ""),
      inputs: (node.input ?? []).map((i: string) => cleanInput(String(i))),
      shape: shape ? shapeText(shape) : "",
    };
  });
  return { nodes };
}

/** A serialized GraphDef (an event file's graph, or what addGraph would write) as the view's data. */
const graphDefBytesData = (bytes: Uint8Array): GraphData =>
  graphDefData(GraphDefProto.toObject(GraphDefProto.decode(bytes), TO_OBJECT));

function layerShape(layer: any): string {
  try {
    const shape = layer.outputShape;
    const first = Array.isArray(shape?.[0]) ? shape[0] : shape;
    return Array.isArray(first)
      ? `[${first.map((d: any) => (d === null ? "?" : String(d))).join(", ")}]`
      : "";
  } catch {
    return "";
  }
}

const isModel = (layer: any): boolean => Array.isArray(layer?.layers) && layer.layers.length > 0;

/** A LayersModel's layers as nodes; a nested model is a scope, its inner input layers fed by what feeds it. */
export function layersModelData(model: any): GraphData {
  const nodes: GraphNodeData[] = [];
  const pathOf = new Map<any, string>();
  // What stands for a layer as an input: a nested model's output layers, else the layer itself.
  const outputsOf = (layer: any): string[] =>
    isModel(layer)
      ? (layer.outputLayers ?? layer.layers.slice(-1)).flatMap(outputsOf)
      : [pathOf.get(layer) ?? ""];
  const feeders = (layer: any): any[] =>
    (layer.inboundNodes ?? []).flatMap((n: any) => n.inboundLayers ?? []);
  const walk = (container: any, prefix: string, outerFeeders: any[]): void => {
    for (const layer of container.layers) pathOf.set(layer, `${prefix}${layer.name}`);
    for (const layer of container.layers) {
      if (isModel(layer))
        walk(layer, `${prefix}${layer.name}/`, feeders(layer).length ? feeders(layer) : outerFeeders);
    }
    for (const layer of container.layers) {
      if (isModel(layer)) continue;
      const own = feeders(layer).filter((f: any) => pathOf.has(f) || isModel(f));
      const isInput = layer.getClassName() === "InputLayer";
      // Inside a nested model, its input layer (or a tf.sequential's first layer, whose input layer is hidden)
      // is fed by what feeds the nested model.
      const from = (isInput || own.length === 0) && prefix !== "" ? outerFeeders : own;
      nodes.push({
        name: pathOf.get(layer)!,
        op: layer.getClassName(),
        inputs: from.flatMap(outputsOf),
        shape: layerShape(layer),
      });
    }
  };
  walk(model, "", []);
  return { nodes };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Nodes that do work (weights and other constants left out) under a name prefix. */
const workUnder = (data: GraphData, prefix: string): number =>
  data.nodes.filter((n) => n.name.startsWith(prefix) && n.op !== "Const").length;

/**
 * Scopes to open at first: the wrapper scopes around the model, as far down as one scope holds nearly all the work
 * of its level (90% of the non-constant nodes): a converted model's StatefulPartitionedCall/.../predict chain, or
 * the one top-level scope TensorBoard users open first. The level where the work splits is shown as boxes.
 */
export function defaultExpanded(data: GraphData): string[] {
  const open: string[] = [];
  let prefix = "";
  for (;;) {
    const children = new Set(
      data.nodes
        .filter((n) => n.name.startsWith(prefix))
        .map((n) => n.name.slice(prefix.length).split("/")[0]),
    );
    const scopes = [...children].filter((c) => data.nodes.some((n) => n.name.startsWith(`${prefix}${c}/`)));
    const total = Math.max(1, workUnder(data, prefix));
    const main = scopes.find((c) => children.size === 1 || workUnder(data, `${prefix}${c}/`) >= 0.9 * total);
    if (main === undefined) return open;
    open.push(`${prefix}${main}`);
    prefix = `${prefix}${main}/`;
  }
}

/** The names at the top level (what the first look shows, one box per scope). */
export function topLevel(data: GraphData, expanded: string[]): string[] {
  const open = new Set(expanded);
  const shown = new Set<string>();
  for (const node of data.nodes) {
    const parts = node.name.split("/");
    let i = 1;
    while (i < parts.length && open.has(parts.slice(0, i).join("/"))) i++;
    shown.add(parts.slice(0, i).join("/"));
  }
  return [...shown];
}

let dagreModule: unknown;
const dagre = (): unknown => (dagreModule ??= require("@dagrejs/dagre"));
let graphCounter = 0;

/** dagre's browser build (a global `dagre`), beside its CommonJS entry (the package exports no such subpath). */
export const dagreBrowserBundle = (): string =>
  join(dirname(require.resolve("@dagrejs/dagre")), "dagre.min.js");

export class GraphView extends LogView {
  readonly text: string;

  constructor(
    readonly data: GraphData,
    readonly expanded: string[],
    readonly source: string,
  ) {
    super();
    const ops = new Map<string, number>();
    for (const node of data.nodes) ops.set(node.op, (ops.get(node.op) ?? 0) + 1);
    const top = topLevel(data, expanded);
    const table = textTable(
      ["op", "nodes"],
      [...ops].sort((a, b) => b[1] - a[1]).map(([op, n]) => [op, String(n)]),
    );
    this.text = `graph of ${source}: ${data.nodes.length} nodes, ${top.length} at the top level (${top.join(", ")})\n${table}`;
  }

  /** The graph as drawn at first (scopes in `expanded` open, the others one box each). */
  toSvg(expanded: string[] = this.expanded): Promise<string> {
    return Promise.resolve(drawGraph(this.data, expanded, dagre()));
  }

  /** A self-contained live view: the drawing code and dagre inlined, nothing fetched. */
  toHtml(): string {
    const id = `tensorscope-graph-${graphCounter++}`;
    const dagreSource = readFileSync(dagreBrowserBundle(), "utf8");
    // JSON inside a script: "<" escaped so a name holding "</script>" cannot close the element.
    const json = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c");
    return `<div id="${id}"></div><script>(function(){var __name=function(f){return f};${dagreSource}
var drawGraph=${drawGraph.toString()};var mountGraph=${mountGraph.toString()};
mountGraph(document.getElementById(${json(id)}),${json(this.data)},${json(this.expanded)},dagre,drawGraph);})();</script>`;
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    return { "text/plain": this.text, "text/html": this.toHtml(), "image/svg+xml": await this.toSvg() };
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function dataOfModel(model: any): { data: GraphData; source: string } | undefined {
  // A loaded GraphModel: the GraphDef addGraph writes for it (same nodes, shapes learnt from one run).
  if (isGraphModel(model))
    return { data: graphDefBytesData(graphModelToGraphDef(model, "graph")), source: "a GraphModel" };
  const topology = model?.artifacts?.modelTopology ?? model?.modelTopology;
  if (topology && Array.isArray(topology.node))
    return { data: graphDefData(topology), source: "a GraphModel" };
  if (isModel(model) && typeof model.getClassName === "function")
    return { data: layersModelData(model), source: `${model.getClassName()} "${model.name}"` };
  return undefined;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function dataOfLogdir(source: RunsSource, runName?: string): { data: GraphData; source: string } {
  const runs = selectRuns(runsOf(source, "graph"), runName === undefined ? undefined : [runName], "graph");
  const withGraph = runs.filter((r) => r.graphs.length > 0);
  if (withGraph.length === 0)
    throw new RangeError(
      `graph: no graph (addGraph / add_graph output) in run(s) ${runs.map((r) => JSON.stringify(r.name)).join(", ") || "(none)"}`,
    );
  if (withGraph.length > 1)
    throw new RangeError(
      `graph: several runs have a graph; pick one with { run }: ${withGraph.map((r) => JSON.stringify(r.name)).join(", ")}`,
    );
  const run = withGraph[0];
  return {
    data: graphDefBytesData(run.graphs[run.graphs.length - 1]),
    source: `run ${JSON.stringify(run.name)}`,
  };
}

/** `graph("runs")` or `graph(model)`: the model graph with name scopes as boxes that expand on click. */
export function graph(source: RunsSource | object, options: GraphOptions = {}): GraphView {
  const fromModel =
    typeof source === "object" && source !== null && !Array.isArray(source) ? dataOfModel(source) : undefined;
  const { data, source: what } = fromModel ?? dataOfLogdir(source as RunsSource, options.run);
  if (data.nodes.length === 0) throw new RangeError(`graph: the graph of ${what} has no nodes`);
  const expanded = options.expanded ?? defaultExpanded(data);
  return new GraphView(data, expanded, what);
}
