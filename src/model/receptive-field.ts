// Receptive fields through a model's spatially local layers: for a node with a 4-D output [B, H, W, C], which input
// pixels each output position depends on. Per axis this is an affine map — output j reads input positions
// j·stride + offset … j·stride + offset + size − 1 (offsets below 0 or ends past the input are padding) — plus the
// paddings TF's 'same' rule chose, which depend on the input size (incremental occlusion checks that a crop gets
// the same ones as the whole image). Computed from layer configs; anything not known to be local (Dense, global
// pooling, Flatten, Reshape, attention, Lambda, an unknown layer, channels-first data) has no map. A GraphModel's
// ops are not analysed: it has no map (its callers fall back to whole-image passes).
import type { Node } from "@tensorflow/tfjs-layers/dist/engine/topology";
import type { Container } from "@tensorflow/tfjs-layers/dist/engine/container";
import type { tf } from "../backend";
import type { InspectableModel, ModelNode } from "./types";

/** One spatial axis of a receptive field. */
export interface AxisMap {
  stride: number;
  offset: number;
  size: number;
  /** The node's output length on this axis for the input length the map was computed for. */
  out: number;
  /** (before, total) of every 'same'-padded op on the way, in order: they depend on the input length. */
  pads: number[];
}

/** [rows, columns]. */
export type SpatialMap = [AxisMap, AxisMap];

/** A node after which the model depends on the node's output alone (it can be fed), with a 4-D output. */
export interface Cut {
  node: ModelNode;
  layer: tf.layers.Layer;
}

/** The cuts of a model in execution order, and the maps and costs between them. */
export interface SpatialCuts {
  cuts: Cut[];
  /**
   * The map from cut `from`'s output (-1: the model's input) to cut `to`'s output when the input of `from` has
   * spatial size `size`, with its mult-adds per sample; null when a layer in between is not local.
   */
  segment(from: number, to: number, size: [number, number]): { map: SpatialMap; macs: number } | null;
  /** Mult-adds per sample of the whole model at input size `size` (layers past the last cut: static shapes). */
  totalMacs(size: [number, number]): number;
}

type Layer = tf.layers.Layer;
const identity = (n: number): AxisMap => ({ stride: 1, offset: 0, size: 1, out: n, pads: [] });

/** The map of `inner` applied after `outer` (inner's input is outer's output). */
export function composeMaps(outer: AxisMap, inner: AxisMap): AxisMap {
  return {
    stride: outer.stride * inner.stride,
    offset: outer.offset + inner.offset * outer.stride + 0, // never -0
    size: outer.size + (inner.size - 1) * outer.stride,
    out: inner.out,
    pads: [...outer.pads, ...inner.pads],
  };
}

/** A sliding window op on an input of length n: kernel k, stride s, dilation d, TF padding. */
export function windowMap(n: number, k: number, s: number, d: number, padding: string): AxisMap | null {
  const extent = (k - 1) * d + 1;
  if (padding === "valid") {
    const out = Math.floor((n - extent) / s) + 1;
    return out < 1 ? null : { stride: s, offset: 0, size: extent, out, pads: [] };
  }
  if (padding !== "same") return null;
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + extent - n, 0);
  const before = Math.floor(total / 2); // TF's rule: the odd pixel goes after
  return { stride: s, offset: 0 - before, size: extent, out, pads: [before, total] };
}

const POINTWISE = new Set([
  "InputLayer",
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "ThresholdedReLU",
  "Dropout",
  "SpatialDropout2D",
  "GaussianNoise",
  "GaussianDropout",
  "AlphaDropout",
]);
const MERGES = new Set(["Add", "Multiply", "Average", "Maximum", "Minimum", "Subtract", "Concatenate"]);
const WINDOWED = new Set([
  "Conv2D",
  "DepthwiseConv2D",
  "SeparableConv2D",
  "MaxPooling2D",
  "AveragePooling2D",
]);

const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]) as never;
const lastAxis = (axis: unknown): boolean =>
  axis === -1 || axis === 3 || (Array.isArray(axis) && axis.length === 1 && lastAxis(axis[0]));

const configs = new WeakMap<Layer, Record<string, unknown>>();
function configOf(layer: Layer): Record<string, unknown> {
  let config = configs.get(layer);
  if (!config) configs.set(layer, (config = layer.getConfig() as Record<string, unknown>));
  return config;
}

/** One layer's map given its inputs' maps (each relative to the same origin), or null. */
function layerMap(layer: Layer, inputs: SpatialMap[]): SpatialMap | null {
  const kind = layer.getClassName();
  const config = configOf(layer);
  if (config.dataFormat !== undefined && config.dataFormat !== "channelsLast") return null;
  if (inputs.length !== 1 && !MERGES.has(kind)) return null;
  if (POINTWISE.has(kind)) return inputs[0];
  if (kind === "BatchNormalization" || kind === "Softmax") return lastAxis(config.axis) ? inputs[0] : null;
  if (MERGES.has(kind)) return kind === "Concatenate" && !lastAxis(config.axis) ? null : merge(inputs);
  if (WINDOWED.has(kind)) {
    const k = pair(config.kernelSize ?? config.poolSize);
    const s = pair(config.strides ?? k);
    const d = pair(config.dilationRate ?? 1);
    const axes = [0, 1].map((a) => windowMap(inputs[0][a].out, k[a], s[a], d[a], String(config.padding)));
    if (!axes[0] || !axes[1]) return null;
    return [composeMaps(inputs[0][0], axes[0]), composeMaps(inputs[0][1], axes[1])];
  }
  if (kind === "ZeroPadding2D") {
    const p = config.padding as [[number, number], [number, number]];
    const axes = [0, 1].map((a): AxisMap => ({
      stride: 1,
      offset: -p[a][0],
      size: 1,
      out: inputs[0][a].out + p[a][0] + p[a][1],
      pads: [],
    }));
    return [composeMaps(inputs[0][0], axes[0]), composeMaps(inputs[0][1], axes[1])];
  }
  return null;
}

/** Branches meeting at a merge: same grid; the output depends on the union of their fields. */
function merge(inputs: SpatialMap[]): SpatialMap | null {
  const axes = [0, 1].map((a) => {
    const maps = inputs.map((m) => m[a]);
    if (maps.some((m) => m.stride !== maps[0].stride || m.out !== maps[0].out)) return null;
    const start = Math.min(...maps.map((m) => m.offset));
    const end = Math.max(...maps.map((m) => m.offset + m.size));
    return {
      stride: maps[0].stride,
      offset: start,
      size: end - start,
      out: maps[0].out,
      pads: maps.flatMap((m) => m.pads),
    };
  });
  return axes[0] && axes[1] ? [axes[0], axes[1]] : null;
}

function isContainer(layer: Layer): layer is Layer & Container {
  return "nodesByDepth" in layer && "layers" in layer;
}

/** A container's own nodes in execution order, or null when a layer is called more than once. */
function orderedNodes(container: Container): Node[] | null {
  const lazy = container as unknown as { model?: unknown; build?(): void };
  if (container.getClassName() === "Sequential" && lazy.model == null) lazy.build?.();
  const depths = Object.keys(container.nodesByDepth)
    .map(Number)
    .sort((a, b) => b - a);
  const nodes = depths.flatMap((d) => container.nodesByDepth[d]);
  const layers = nodes.map((n) => n.outboundLayer);
  return new Set(layers).size === layers.length ? nodes : null;
}

/** One call of a (non-container) layer in the model with nested models opened up; inputs are indices. */
interface FlatNode {
  layer: Layer;
  inputs: number[];
  rank: number;
}

/** Appends `container`'s layers, nested models opened, fed by flat nodes `inputIds`; its output ids, or null. */
function flatten(container: Container, inputIds: number[], out: FlatNode[]): number[] | null {
  const nodes = orderedNodes(container);
  if (!nodes) return null;
  const ids = new Map<Layer, number>(container.inputs.map((s, i) => [s.sourceLayer, inputIds[i]]));
  for (const node of nodes) {
    if (node.inboundLayers.length === 0) continue;
    const layer = node.outboundLayer;
    const inputs = node.inboundLayers.map((l) => ids.get(l));
    if (inputs.some((i) => i === undefined) || node.outputTensors.length !== 1) return null;
    if (isContainer(layer)) {
      const outs = flatten(layer, inputs as number[], out);
      if (!outs || outs.length !== 1) return null;
      ids.set(layer, outs[0]);
    } else {
      out.push({ layer, inputs: inputs as number[], rank: node.outputTensors[0].shape.length });
      ids.set(layer, out.length - 1);
    }
  }
  const outputs = container.outputs.map((s) => ids.get(s.sourceLayer));
  return outputs.some((i) => i === undefined) ? null : (outputs as number[]);
}

/** Maps and mult-adds from flat node `from` (given spatial size `size`) to flat node `to`. */
function walkSegment(
  flat: FlatNode[],
  from: number,
  to: number,
  size: [number, number],
): { map: SpatialMap; macs: number } | null {
  const maps = new Map<number, SpatialMap>([[from, [identity(size[0]), identity(size[1])]]]);
  let macs = 0;
  for (let i = from + 1; i <= to; i++) {
    const inputs = flat[i].inputs.map((j) => maps.get(j));
    if (inputs.some((m) => !m)) continue; // not downstream of `from`
    const map = layerMap(flat[i].layer, inputs as SpatialMap[]);
    if (!map) return null;
    maps.set(i, map);
    macs += layerMacs(flat[i].layer, map);
  }
  const map = maps.get(to);
  return map ? { map, macs } : null;
}

/** Weights × output positions (torchinfo's convention; moving statistics are not used weights). */
function layerMacs(layer: Layer, map: SpatialMap): number {
  const params = layer.weights
    .filter((w) => !/moving_/.test(w.originalName ?? w.name))
    .reduce((n, w) => n + w.shape.reduce<number>((p, d) => p * (d ?? 1), 1), 0);
  return params * map[0].out * map[1].out;
}

/** The flat nodes after which the model depends on that node's output alone, with a 4-D output. */
function cutIndices(flat: FlatNode[], outputs: number[]): number[] {
  // first[i]: the earliest node read by node i or any node after it
  const first = new Array<number>(flat.length + 1).fill(Infinity);
  first[flat.length] = Math.min(...outputs);
  for (let i = flat.length - 1; i >= 0; i--) first[i] = Math.min(first[i + 1], ...flat[i].inputs);
  return flat.map((_, i) => i).filter((i) => i > 0 && flat[i].rank === 4 && first[i + 1] >= i);
}

/** The cuts of a LayersModel (nested models opened up) and the maps between them; null for a GraphModel. */
export function spatialCuts(model: InspectableModel): SpatialCuts | null {
  if (model.kind !== "layers" || model.source.inputs.length !== 1) return null;
  const container = model.source as unknown as Container;
  const flat: FlatNode[] = [{ layer: container.inputs[0].sourceLayer, inputs: [], rank: 4 }];
  const outputs = flatten(container, [0], flat);
  if (!outputs) return null;
  const indices = cutIndices(flat, outputs);
  const cuts = indices.map((i) => ({ layer: flat[i].layer, node: model.resolve(flat[i].layer) }));
  const at = (c: number) => (c < 0 ? 0 : indices[c]);
  return {
    cuts,
    segment: (from, to, size) => walkSegment(flat, at(from), at(to), size),
    totalMacs: (size) => {
      const last = indices.length ? indices[indices.length - 1] : 0;
      const mapped = walkSegment(flat, 0, last, size)?.macs ?? NaN;
      return flat.slice(last + 1).reduce((n, f) => n + staticMacs(f.layer), mapped);
    },
  };
}

/** Layers past the last cut: weights × static output positions (unknown dimensions count 1). */
function staticMacs(layer: Layer): number {
  let shape: (number | null)[] = [];
  try {
    shape = layer.outputShape as (number | null)[];
  } catch {
    // a layer called with several shapes: count its weights once
  }
  const positions = Array.isArray(shape[0])
    ? 1
    : shape.slice(1, -1).reduce<number>((p, d) => p * (d ?? 1), 1);
  return layer.countParams() * positions;
}
