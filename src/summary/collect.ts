// Walks a LayersModel in call order and infers every call's shapes statically with each layer's own
// computeOutputShape (what tfjs itself does when layers are applied to symbolic tensors): nothing runs, no tensor
// is created, nothing on the model changes.
import { tf } from "../backend";
import { layerMultAdds } from "./macs";
import { staticOutputShapes } from "./shapes";
import type { Collected, CollectedRow, Shape } from "./types";

type Layer = tf.layers.Layer;

// The public fields of tfjs-layers' Node (the type is not exported from the package index).
interface GraphNode {
  id: number;
  outboundLayer: Layer;
  inboundLayers: Layer[];
  nodeIndices: number[];
  tensorIndices: number[];
}
interface SymbolicRef {
  sourceLayer: Layer;
  nodeIndex: number;
  tensorIndex: number;
  dtype: string;
}
interface Functional {
  nodesByDepth: { [depth: string]: GraphNode[] };
  inputs: SymbolicRef[];
  outputs: SymbolicRef[];
}

interface WalkContext {
  rows: CollectedRow[];
  seen: Set<Layer>;
  counts: Map<Layer, { params: number; trainable: number }>;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const size = (shape: readonly (number | null)[]) => shape.reduce<number>((p, d) => p * (d ?? NaN), 1);

function weightSizes(weights: { shape: (number | null)[] }[]): number {
  return weights.reduce((n, w) => n + size(w.shape), 0);
}

function paramCounts(ctx: WalkContext, layer: Layer, trainable: boolean) {
  let counts = ctx.counts.get(layer);
  if (!counts) {
    counts = { params: weightSizes(layer.weights), trainable: weightSizes(layer.trainableWeights) };
    ctx.counts.set(layer, counts);
  }
  return { params: counts.params, trainable: trainable ? counts.trainable : 0 };
}

function kernelSize(layer: Layer): number[] | null {
  const fields = layer as unknown as { kernelSize?: number | number[]; poolSize?: number | number[] };
  const k = fields.kernelSize ?? fields.poolSize;
  if (k === undefined) return null;
  return Array.isArray(k) ? [...k] : [k];
}

function isContainer(layer: Layer): layer is tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

/** Visits one call of a layer: adds its row, recurses into containers, returns its output shapes. */
function visit(
  ctx: WalkContext,
  layer: Layer,
  inputShapes: Shape[],
  depth: number,
  trainable: boolean,
): Shape[] {
  const effectiveTrainable = trainable && layer.trainable;
  const counts = paramCounts(ctx, layer, effectiveTrainable);
  const row: CollectedRow = {
    name: layer.name,
    className: layer.getClassName(),
    depth,
    inputShapes,
    outputShapes: [],
    kernelSize: kernelSize(layer),
    params: counts.params,
    trainableParams: counts.trainable,
    multAdds: 0,
    outputBytes: 0,
    isContainer: isContainer(layer),
    isRecursive: ctx.seen.has(layer),
  };
  ctx.seen.add(layer);
  ctx.rows.push(row);
  if (isContainer(layer)) {
    row.outputShapes = walkContainer(ctx, layer, inputShapes, depth + 1, effectiveTrainable);
  } else {
    row.outputShapes = staticOutputShapes(layer, inputShapes);
    row.multAdds = layerMultAdds(layer, inputShapes, row.outputShapes);
  }
  row.outputBytes = size(row.outputShapes[0] ?? []) * (BYTES[layer.dtype] ?? 4);
  return row.outputShapes;
}

function walkContainer(
  ctx: WalkContext,
  model: tf.LayersModel,
  inputs: Shape[],
  depth: number,
  trainable: boolean,
) {
  if (model instanceof tf.Sequential) {
    // A Sequential keeps no graph of its own until built into an inner model: its layers are a chain. An
    // explicit tf.layers.inputLayer computes nothing and gets no row, as in functional models.
    const layers = model.layers.filter((l) => l.getClassName() !== "InputLayer");
    return layers.reduce((shapes, layer) => visit(ctx, layer, shapes, depth, trainable), inputs);
  }
  return walkFunctional(ctx, model as unknown as Functional, inputs, depth, trainable);
}

const key = (layer: Layer, nodeIndex: number, tensorIndex: number) =>
  `${layer.id}:${nodeIndex}:${tensorIndex}`;

function walkFunctional(
  ctx: WalkContext,
  model: Functional,
  inputs: Shape[],
  depth: number,
  trainable: boolean,
) {
  const shapes = new Map<string, Shape>();
  model.inputs.forEach((t, i) => shapes.set(key(t.sourceLayer, t.nodeIndex, t.tensorIndex), inputs[i]));
  // Node ids grow as layers are applied, so sorting by id replays the calls in the order the model was written,
  // the closest thing to torchinfo's execution order.
  const nodes = Object.values(model.nodesByDepth)
    .flat()
    .filter((n) => n.inboundLayers.length > 0)
    .sort((a, b) => a.id - b.id);
  for (const node of nodes) {
    const layer = node.outboundLayer;
    const callIndex = layer.inboundNodes.indexOf(node as never);
    const callInputs = node.inboundLayers.map((l, j) => {
      const shape = shapes.get(key(l, node.nodeIndices[j], node.tensorIndices[j]));
      if (!shape) throw new Error(`summary: no shape reached layer "${layer.name}" from "${l.name}"`);
      return shape;
    });
    const outputs = visit(ctx, layer, callInputs, depth, trainable);
    outputs.forEach((shape, t) => shapes.set(key(layer, callIndex, t), shape));
  }
  return model.outputs.map((t) => shapes.get(key(t.sourceLayer, t.nodeIndex, t.tensorIndex)) as Shape);
}

/** Unique weights of the model (a shared layer's weights count once). */
function uniqueWeights(weights: tf.LayerVariable[]): tf.LayerVariable[] {
  return [...new Map(weights.map((w) => [w.id, w])).values()];
}

export function collectLayersModel(model: tf.LayersModel, inputShapes: Shape[]): Collected {
  const ctx: WalkContext = { rows: [], seen: new Set(), counts: new Map() };
  visit(ctx, model, inputShapes, 0, true);
  const weights = uniqueWeights(model.weights);
  const trainable = new Set(uniqueWeights(model.trainable ? model.trainableWeights : []).map((w) => w.id));
  const modelInputs = model.inputs as unknown as SymbolicRef[];
  return {
    rows: ctx.rows,
    inputBytes: inputShapes.reduce((n, s, i) => n + size(s) * (BYTES[modelInputs[i].dtype] ?? 4), 0),
    totalParams: weightSizes(weights),
    trainableParams: weightSizes(weights.filter((w) => trainable.has(w.id))),
    paramBytes: weights.reduce((n, w) => n + size(w.shape) * (BYTES[w.dtype] ?? 4), 0),
    shapesKnown: ctx.rows.every((r) => r.outputShapes.every((s) => s.every((d) => d !== null))),
  };
}
