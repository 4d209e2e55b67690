// Where incremental occlusion splits the model. A window changes only the activations inside its receptive-field
// footprint in the spatially local part of the network, so each window's pass can run the layers up to a cut on a
// crop around the window, paste the changed region into the clean activation, and go on from there: possibly
// through several cuts (each segment on a crop of the previous cut's activation), then the rest of the model on
// the whole activation. The plan picks the chain of cuts with the lowest estimated cost (mult-adds × the share of
// the activation each segment computes), or none when no chain saves enough.
import { spatialCuts, type AxisMap, type SpatialMap } from "../../model/receptive-field";
import type { ModelNode } from "../../model";
import type { Prepared } from "./common";

/** A window's bounding box in pixels, both ends included, per axis: [[y0, y1], [x0, x1]]. */
export type Box = [[number, number], [number, number]];

/** One segment: from the previous level's output (or the input) to `node`'s output, on crops. */
export interface Level {
  node: ModelNode;
  /** Crop size at the previous level (rows, columns). */
  crop: [number, number];
  /** The previous level's full spatial size, and this level's. */
  inSize: [number, number];
  outSize: [number, number];
  /** The segment's total stride (crop origin / stride = where the crop's output sits in this level's output). */
  stride: [number, number];
  /** Per window: the crop's origin at the previous level, and the range of this level it changes (inclusive). */
  origins: [number, number][];
  affected: Box[];
}

export type PlanOutcome = { levels: Level[]; estimate: number } | { reason: string };

/** Estimated cost per window of one more level (gathers, one more model call), as a share of a forward pass. */
const LEVEL_OVERHEAD = 0.01;
/**
 * And once per level: each new crop shape makes the native backend prepare its kernels (0.1–1 s, measured in
 * benchmarks/cam-extra), about as long as this many mult-adds take. With few windows or a small model, whole
 * images stay the faster way.
 */
const NEW_SHAPE_MACS = 2e10;
/** Run incrementally only when the estimate is at most this share of the whole-image passes. */
const WORTH_IT = 0.85;

/** The bounding box of each window's elements in a sample [H, W, C]. */
export function windowBoxes(windows: Int32Array[], w: number, c: number): Box[] {
  return windows.map((elements) => {
    const box: Box = [
      [Infinity, -Infinity],
      [Infinity, -Infinity],
    ];
    for (const e of elements) {
      const y = Math.floor(e / (w * c));
      const x = Math.floor(e / c) % w;
      box[0] = [Math.min(box[0][0], y), Math.max(box[0][1], y)];
      box[1] = [Math.min(box[1][0], x), Math.max(box[1][1], x)];
    }
    return box;
  });
}

/** Output positions of `map` whose field meets input range [lo, hi]. */
function affectedRange(map: AxisMap, [lo, hi]: [number, number]): [number, number] {
  const first = Math.max(0, Math.ceil((lo - map.offset - map.size + 1) / map.stride));
  const last = Math.min(map.out - 1, Math.floor((hi - map.offset) / map.stride));
  return [first, last];
}

const samePads = (a: AxisMap, b: AxisMap) =>
  a.pads.length === b.pads.length && a.pads.every((v, i) => v === b.pads[i]);

/** `always`: any valid chain, however little it is estimated to save. */
export function planIncremental(p: Prepared, boxes: Box[], always = false): PlanOutcome {
  if (p.model.inputs.length !== 1) return { reason: "the model has several inputs" };
  if (p.source.outputIndex < 0) return { reason: "an inner node is scored" };
  const cuts = spatialCuts(p.model);
  if (!cuts) return { reason: "receptive fields are analysed on LayersModels only" };
  const size: [number, number] = [p.x.shape[1], p.x.shape[2]];
  const full = cuts.totalMacs(size);
  const toCut = cuts.cuts.map((_, b) => cuts.segment(-1, b, size)?.map ?? null);
  const sizeAt = (a: number): [number, number] | null => {
    if (a < 0) return size;
    const m = toCut[a];
    return m && [m[0].out, m[1].out];
  };
  // best[b + 1]: the cheapest chain from the input to cut b (index 0: the input itself)
  const best: { cost: number; levels: Level[] }[] = [{ cost: 0, levels: [] }];
  let chosen: { cost: number; levels: Level[] } = { cost: Infinity, levels: [] };
  for (let b = 0; b < cuts.cuts.length; b++) {
    best[b + 1] = { cost: Infinity, levels: [] };
    const toB = toCut[b];
    // the positions of cut b each window changes
    const affected =
      toB && boxes.map((box) => [0, 1].map((axis) => affectedRange(toB[axis], box[axis])) as Box);
    for (let a = -1; a < b; a++) {
      if (!Number.isFinite(best[a + 1].cost)) continue;
      const level = affected && segmentLevel(cuts, a, b, sizeAt(a), toB!, affected, cuts.cuts[b].node);
      if (!level) continue;
      const overhead = LEVEL_OVERHEAD * full + NEW_SHAPE_MACS / boxes.length;
      const cost = best[a + 1].cost + level.cost + overhead;
      if (cost < best[b + 1].cost) best[b + 1] = { cost, levels: [...best[a + 1].levels, level.level] };
    }
    const rest = full - (cuts.segment(-1, b, size)?.macs ?? NaN);
    const total = best[b + 1].cost + rest;
    if (total < chosen.cost) chosen = { cost: total, levels: best[b + 1].levels };
  }
  const estimate = chosen.cost / full;
  if (!(estimate <= (always ? Infinity : WORTH_IT))) {
    return {
      reason: Number.isFinite(estimate)
        ? `no split saves enough for ${boxes.length} windows (best estimate ${(estimate * 100).toFixed(0)}% of whole-image passes, counting each crop shape's set-up)`
        : "no layer with a local receptive field to split at",
    };
  }
  return { levels: chosen.levels, estimate };
}

/** The crops segment a → b needs for every window, or null when crops cannot reproduce the whole-image values. */
function segmentLevel(
  cuts: NonNullable<ReturnType<typeof spatialCuts>>,
  a: number,
  b: number,
  inSize: [number, number] | null,
  toB: SpatialMap,
  affected: Box[],
  node: ModelNode,
): { level: Level; cost: number } | null {
  if (!inSize) return null;
  const segment = cuts.segment(a, b, inSize);
  if (!segment) return null;
  const crop: number[] = [];
  const origins: number[][] = affected.map(() => []);
  for (const axis of [0, 1]) {
    const map = segment.map[axis];
    const n = inSize[axis];
    const needed = affected.map((ranges) => {
      const [first, last] = ranges[axis];
      const start = Math.max(0, first * map.stride + map.offset);
      const end = Math.min(n - 1, last * map.stride + map.offset + map.size - 1);
      const aligned = Math.floor(start / map.stride) * map.stride;
      return { aligned, length: end + 1 - aligned };
    });
    const longest = Math.max(...needed.map((r) => r.length));
    const length = Math.min(n, Math.ceil(longest / map.stride) * map.stride);
    for (const [w, r] of needed.entries()) {
      const origin = Math.min(r.aligned, n - length);
      // the crop's grid must be the image's: its origin on the segment's stride
      if (origin % map.stride !== 0) return null;
      origins[w][axis] = origin;
    }
    crop[axis] = length;
  }
  // a crop's 'same' paddings must be the whole image's, and its output must hold every changed position
  const onCrop = cuts.segment(a, b, [crop[0], crop[1]]);
  if (!onCrop || !samePads(onCrop.map[0], segment.map[0]) || !samePads(onCrop.map[1], segment.map[1]))
    return null;
  const fits = affected.every((box, w) =>
    [0, 1].every((axis) => {
      const shift = origins[w][axis] / segment.map[axis].stride;
      return box[axis][0] - shift >= 0 && box[axis][1] - shift < onCrop.map[axis].out;
    }),
  );
  if (!fits) return null;
  const share = (crop[0] * crop[1]) / (inSize[0] * inSize[1]);
  const level: Level = {
    node,
    crop: [crop[0], crop[1]],
    inSize,
    outSize: [toB[0].out, toB[1].out],
    stride: [segment.map[0].stride, segment.map[1].stride],
    origins: origins as [number, number][],
    affected,
  };
  return { level, cost: share * segment.macs };
}
