// KernelGrid: a convolution layer's filters as tiles. The browser switches between per-filter and shared
// (layer) colour scales and zooms into one filter without asking the kernel: all weights are in the state.
// Three input channels show as RGB (0.5 + w / 2·max|w|); otherwise each filter is averaged over its input
// channels on a diverging map with symmetric limits, so zero is always the neutral colour.
import { tf } from "../../src/backend";
import type { MimeBundle } from "../../src/display";
import { kernels } from "../../src/vision/kernels";
import type { AnyModel, NodeRef } from "../../src/model";
import { tileRanges, zoomFor, type TileSet } from "./shared/tiles";
import { lutOf, tilesPng } from "./tile-widgets";
import { LiveWidget } from "./widget";

export type KernelScale = "filter" | "layer";

export interface KernelGridOptions {
  title?: string;
  /** Colour scale shared by the layer (default; magnitudes compare) or per filter. */
  scale?: KernelScale;
  /** At most this many filters are sent to the browser (default 64). */
  maxFilters?: number;
}

/** [kh, kw, in, out] weights → tiles [out][kh][kw][1 or 3]. Pure, exported for tests. */
export function filterTiles(values: Float32Array, shape: number[], maxFilters: number): TileSet {
  const [kh, kw, inC, outC] = shape;
  const count = Math.min(outC, maxFilters);
  const channels: 1 | 3 = inC === 3 ? 3 : 1;
  const out = new Float32Array(count * kh * kw * channels);
  for (let o = 0; o < count; o++) {
    for (let p = 0; p < kh * kw; p++) {
      const base = o * kh * kw * channels + p * channels;
      if (channels === 3) {
        for (let c = 0; c < 3; c++) out[base + c] = values[(p * inC + c) * outC + o];
      } else {
        let sum = 0;
        for (let c = 0; c < inC; c++) sum += values[(p * inC + c) * outC + o];
        out[base] = sum / inC;
      }
    }
  }
  return { count, height: kh, width: kw, channels, values: out };
}

export class KernelGrid extends LiveWidget {
  protected readonly kind = "KernelGrid";
  readonly title: string;
  readonly totalFilters: number;
  readonly tiles: TileSet;
  private scale: KernelScale;
  private selected = -1;

  /** `weights`: a kernel tensor [kh, kw, in, out] (read, not kept). */
  constructor(weights: tf.Tensor4D, options: KernelGridOptions = {}) {
    super();
    if (!(weights instanceof tf.Tensor) || weights.rank !== 4) {
      throw new TypeError(
        `KernelGrid: expected a rank-4 kernel tensor [kh, kw, in, out], got ${describe(weights)}`,
      );
    }
    const scale = options.scale ?? "layer";
    if (scale !== "layer" && scale !== "filter")
      throw new RangeError(`KernelGrid: scale must be "layer" or "filter", got "${scale}"`);
    const maxFilters = options.maxFilters ?? 64;
    if (!Number.isInteger(maxFilters) || maxFilters < 1)
      throw new RangeError(`KernelGrid: maxFilters must be a positive integer, got ${maxFilters}`);
    this.tiles = filterTiles(weights.dataSync() as Float32Array, weights.shape, maxFilters);
    this.totalFilters = weights.shape[3];
    this.title = options.title ?? `kernels ${weights.shape.join("x")}`;
    this.scale = scale;
  }

  /** The kernels of a model's convolution layer (by name, path or index). */
  static fromLayer(model: AnyModel, layer: NodeRef, options: KernelGridOptions = {}): KernelGrid {
    const grid = kernels(model, layer);
    try {
      return new KernelGrid(grid.weights, { title: grid.description.split("\n")[0], ...options });
    } finally {
      grid.dispose();
    }
  }

  get currentScale(): KernelScale {
    return this.scale;
  }

  get selectedFilter(): number {
    return this.selected;
  }

  protected dataState(): Record<string, unknown> {
    const { count, height, width, channels, values } = this.tiles;
    return {
      title: this.title,
      shape: [count, height, width, channels],
      total_filters: this.totalFilters,
      values,
      lut: lutOf("diverging"),
      scale: this.scale,
      selected: this.selected,
    };
  }

  protected override applyUpdate(state: Record<string, unknown>): void {
    if (state.scale === "layer" || state.scale === "filter") this.scale = state.scale;
    if (typeof state.selected === "number" && Number.isInteger(state.selected)) {
      this.selected = state.selected >= 0 && state.selected < this.tiles.count ? state.selected : -1;
    }
  }

  protected staticBundle(): MimeBundle {
    const columns = Math.ceil(Math.sqrt(this.tiles.count));
    const layout = { columns, zoom: zoomFor(this.tiles.width, 40), gap: 2 };
    const ranges = tileRanges(this.tiles, this.scale === "filter", "symmetric");
    const shown = this.tiles.count < this.totalFilters ? ` (first ${this.tiles.count})` : "";
    return {
      "text/plain": `KernelGrid ${JSON.stringify(this.title)}: ${this.totalFilters} filters${shown}, ${this.scale} scale`,
      "image/png": tilesPng(this.tiles, ranges, layout, lutOf("diverging")),
    };
  }
}

export function describe(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape [${value.shape}]`;
  return value === null ? "null" : typeof value;
}
