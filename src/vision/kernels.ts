// Pictures of convolution kernels (tutorial 7.2.1). Conventions from visualisation practice (cam.md §11):
// signed weights on a diverging colormap with symmetric limits ±max|w|, so zero is always the neutral colour;
// first-layer filters with three input channels as one RGB tile each, 0.5 + w / (2·max|w|), zero = mid-grey;
// the scale is per filter or shared by the layer, and always said in the picture.
import { tf } from "../backend";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelNode,
  type NodeKernel,
  type NodeRef,
} from "../model";
import { renderGrid, formatTick, type GridTile } from "../image/grid";
import { colorize, valueRange, type ValueRange } from "../image/colormap";
import type { RgbaImage } from "../image/png";
import { ImageView } from "../image/view";
import type { Displayable } from "../display";
import { makeInteractive } from "../interactive";

export interface KernelOptions {
  /** Return a live widget (tensorscope/widgets, in the kernel) instead of the static picture. */
  interactive?: boolean;
  /**
   * "rgb": one colour tile per filter (needs 3 input channels); "channels": one tile per (filter, input
   * channel), filters in rows; "mean": one tile per filter, averaged over input channels. Default "auto":
   * "rgb" for 3 input channels, else "channels".
   */
  mode?: "auto" | "rgb" | "channels" | "mean";
  /** Symmetric scale ±max|w| shared by the whole layer (default, magnitudes compare) or per filter. */
  normalize?: "layer" | "filter";
  /** At most this many filters are drawn (default 64); the returned weights are always complete. */
  maxFilters?: number;
  /** "channels" mode: at most this many input channels per filter (default 8). */
  maxChannels?: number;
  /** Filter numbers under the tiles (default true). */
  labels?: boolean;
  /** Integer enlargement of each tile (default: tiles at least 48 px). */
  scale?: number;
}

/** Kernels of a layer: the weights and their picture. `weights` is a copy the caller owns (`dispose()`). */
export class KernelGrid extends ImageView {
  constructor(
    image: RgbaImage,
    description: string,
    /** The layer's kernel as [kh, kw, inChannels, filters] (depthwise: [kh, kw, 1, channels·multiplier]). */
    readonly weights: tf.Tensor4D,
    readonly layerName: string,
  ) {
    super(image, description);
  }

  dispose(): void {
    this.weights.dispose();
  }
}

const CONV_CLASSES = ["Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"];

/** The node's kernel in [kh, kw, in, out] layout, as a new tensor. */
function readKernel(model: InspectableModel, node: ModelNode): NodeKernel {
  const kernel = model.kernel(node);
  if (kernel) return kernel;
  const convs = model
    .nodes()
    .filter((n) => {
      const k = model.kernel(n);
      k?.weights.dispose();
      return k !== null;
    })
    .map((n) => `"${n.address}"`);
  throw new TypeError(
    `layer "${node.name}" (${node.kind}) has no 2-D convolution kernel; kernels() needs one of ` +
      `${CONV_CLASSES.join(", ")} (or a GraphModel's conv op). Convolution layers here: ${convs.slice(0, 12).join(", ") || "none"}`,
  );
}

type Mode = "rgb" | "channels" | "mean";

function chooseMode(options: KernelOptions, inChannels: number): Mode {
  const mode = options.mode ?? "auto";
  if (mode === "auto") return inChannels === 3 ? "rgb" : "channels";
  if (!["rgb", "channels", "mean"].includes(mode)) {
    throw new RangeError(`kernel mode must be "auto", "rgb", "channels" or "mean", got "${mode}"`);
  }
  if (mode === "rgb" && inChannels !== 3) {
    throw new RangeError(`mode "rgb" needs 3 input channels; this layer's kernels have ${inChannels}`);
  }
  return mode;
}

function positiveInt(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
  return v;
}

/** Values of filter o as [kh·kw·in] in HWC order. */
function filterValues(all: Float32Array, shape: number[], o: number): Float32Array {
  const [kh, kw, inC, outC] = shape;
  const out = new Float32Array(kh * kw * inC);
  for (let p = 0; p < kh * kw * inC; p++) out[p] = all[p * outC + o];
  return out;
}

function symmetric(values: ArrayLike<number>): ValueRange {
  const { min, max } = valueRange(values);
  const m = Math.max(Math.abs(min), Math.abs(max));
  return { min: -m, max: m };
}

function rgbTile(values: Float32Array, kh: number, kw: number, range: ValueRange): RgbaImage {
  const m = range.max || 1;
  const data = new Uint8ClampedArray(kh * kw * 4);
  for (let p = 0; p < kh * kw; p++) {
    for (let k = 0; k < 3; k++) data[p * 4 + k] = Math.round(255 * (0.5 + values[p * 3 + k] / (2 * m)));
    data[p * 4 + 3] = 255;
  }
  return { width: kw, height: kh, data };
}

function channelSlice(values: Float32Array, kh: number, kw: number, inC: number, c: number): Float32Array {
  return Float32Array.from({ length: kh * kw }, (_, p) => values[p * inC + c]);
}

function channelMean(values: Float32Array, kh: number, kw: number, inC: number): Float32Array {
  return Float32Array.from({ length: kh * kw }, (_, p) => {
    let sum = 0;
    for (let c = 0; c < inC; c++) sum += values[p * inC + c];
    return sum / inC;
  });
}

export interface TilePlan {
  mode: Mode;
  filters: number;
  channels: number;
  perFilter: boolean;
  labels: boolean;
}

function buildTiles(all: Float32Array, shape: number[], plan: TilePlan, layerRange: ValueRange): GridTile[] {
  const [kh, kw, inC] = shape;
  const tiles: GridTile[] = [];
  for (let o = 0; o < plan.filters; o++) {
    const values = filterValues(all, shape, o);
    const range = plan.perFilter ? symmetric(values) : layerRange;
    const label = plan.labels ? (plan.perFilter ? `${o} ±${formatTick(range.max)}` : `${o}`) : undefined;
    if (plan.mode === "rgb") {
      tiles.push({ image: rgbTile(values, kh, kw, range), label });
    } else if (plan.mode === "mean") {
      const mean = channelMean(values, kh, kw, inC);
      tiles.push({ image: colorize(mean, kh, kw, { colormap: "diverging", range }), label });
    } else {
      for (let c = 0; c < plan.channels; c++) {
        const slice = channelSlice(values, kh, kw, inC, c);
        const image = colorize(slice, kh, kw, { colormap: "diverging", range });
        // per-filter scales are named once per filter, on its first channel
        const scaleText = plan.perFilter && c === 0 ? ` ±${formatTick(range.max)}` : "";
        // one input channel: the filter number alone says it all
        const name = plan.channels === 1 && shape[2] === 1 ? `${o}` : `${o}·${c}`;
        tiles.push({ image, label: plan.labels ? `${name}${scaleText}` : undefined });
      }
    }
  }
  return tiles;
}

/** The tiles, scale and plan for a kernel tensor [kh, kw, in, out] (exported for tests). */
export function kernelTiles(
  weights: tf.Tensor4D,
  options: KernelOptions = {},
): { tiles: GridTile[]; layerRange: ValueRange; plan: TilePlan } {
  const [, , inC, outC] = weights.shape;
  const mode = chooseMode(options, inC);
  const normalize = options.normalize ?? "layer";
  if (normalize !== "layer" && normalize !== "filter") {
    throw new RangeError(`normalize must be "layer" or "filter", got "${normalize}"`);
  }
  const plan: TilePlan = {
    mode,
    filters: Math.min(outC, positiveInt(options.maxFilters, 64, "maxFilters")),
    channels: Math.min(inC, positiveInt(options.maxChannels, 8, "maxChannels")),
    perFilter: normalize === "filter",
    labels: options.labels ?? true,
  };
  const all = weights.dataSync() as Float32Array;
  const layerRange = symmetric(all);
  return { tiles: buildTiles(all, weights.shape, plan, layerRange), layerRange, plan };
}

function describe(name: string, kind: string, shape: number[], plan: TilePlan, range: ValueRange): string {
  const [kh, kw, inC, outC] = shape;
  const channels = plan.mode === "channels" ? `, ${plan.channels} of ${inC} input channels` : "";
  const scale = plan.perFilter ? "scale ±max|w| per filter" : `scale ±${formatTick(range.max)} for the layer`;
  return (
    `${name} (${kind}) kernels ${kh}x${kw}x${inC}x${outC}\n` +
    `${plan.filters} of ${outC} filters${channels}, ${plan.mode}, ${scale}`
  );
}

/** Each filter's channels stay on one row; filters with few channels share a row (up to 8 tiles). */
function channelColumns(channels: number): number {
  return channels * Math.max(1, Math.floor(8 / channels));
}

/**
 * `kernels(model, layer, options)`: the convolution kernels of a layer (by name, "outer/inner" path, index, or a
 * GraphModel's conv node)
 * and a labelled grid picture of them. The picture displays in a notebook and saves with `.savePng(path)`; the
 * returned `weights` tensor is the caller's to dispose (`result.dispose()`). The model is not changed.
 */
export function kernels(
  model: AnyModel,
  layer: NodeRef,
  options: KernelOptions & { interactive: true },
): Displayable;
export function kernels(model: AnyModel, layer: NodeRef, options?: KernelOptions): KernelGrid;
export function kernels(
  model: AnyModel,
  layer: NodeRef,
  options: KernelOptions = {},
): KernelGrid | Displayable {
  if (options.interactive) return makeInteractive("kernels", model, layer);
  const m = inspectModel(model, "kernels");
  const target = m.resolve(layer);
  const { weights, kind } = readKernel(m, target);
  try {
    const { tiles, layerRange, plan } = kernelTiles(weights, options);
    const title = describe(target.name, kind, weights.shape, plan, layerRange);
    const image = renderGrid(tiles, {
      title,
      columns: plan.mode === "channels" ? channelColumns(plan.channels) : undefined,
      scale: options.scale,
      // per-filter scales are written under the tiles and need the room
      minTileSize: plan.perFilter ? 64 : undefined,
      colorbar:
        plan.mode === "rgb" || plan.perFilter ? undefined : { colormap: "diverging", range: layerRange },
    });
    return new KernelGrid(image, title.replace("\n", ": "), weights, target.name);
  } catch (error) {
    weights.dispose();
    throw error;
  }
}
