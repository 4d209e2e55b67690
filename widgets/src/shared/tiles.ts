// Tiles of small images (convolution filters, feature-map channels) turned into RGBA pixels, with per-tile
// or shared value ranges. Pure arithmetic: the browser puts the bytes on a canvas, the kernel encodes a PNG.

export interface TileSet {
  count: number;
  height: number;
  width: number;
  /** 1: a colour map is applied; 3: the values are RGB. */
  channels: 1 | 3;
  /** count * height * width * channels values, layout [tile][y][x][channel]. */
  values: Float32Array;
}

export interface Range {
  min: number;
  max: number;
}

export type RangeMode = "symmetric" | "minmax";

export interface TileLayout {
  columns: number;
  /** Screen pixels per value (nearest-neighbour enlargement). */
  zoom: number;
  gap: number;
}

export function tileValues(set: TileSet, index: number): Float32Array {
  const size = set.height * set.width * set.channels;
  return set.values.subarray(index * size, (index + 1) * size);
}

export function rangeOf(values: ArrayLike<number>, mode: RangeMode): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min)) return { min: 0, max: 1 };
  if (mode === "symmetric") {
    const m = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return { min: -m, max: m };
  }
  return max > min ? { min, max } : { min, max: min + 1 };
}

/** Per-tile ranges, or the one range of all tiles repeated. */
export function tileRanges(set: TileSet, perTile: boolean, mode: RangeMode): Range[] {
  if (!perTile) {
    const shared = rangeOf(set.values, mode);
    return Array.from({ length: set.count }, () => shared);
  }
  return Array.from({ length: set.count }, (_, i) => rangeOf(tileValues(set, i), mode));
}

export function gridSize(set: TileSet, layout: TileLayout): { width: number; height: number } {
  const rows = Math.ceil(set.count / layout.columns);
  return {
    width: layout.columns * (set.width * layout.zoom + layout.gap) - layout.gap,
    height: rows * (set.height * layout.zoom + layout.gap) - layout.gap,
  };
}

/** Which tile is at pixel (x, y) of the grid, or -1 in a gap or outside. */
export function tileAt(set: TileSet, layout: TileLayout, x: number, y: number): number {
  const cellW = set.width * layout.zoom + layout.gap;
  const cellH = set.height * layout.zoom + layout.gap;
  const col = Math.floor(x / cellW);
  const row = Math.floor(y / cellH);
  if (col < 0 || col >= layout.columns || row < 0) return -1;
  if (x - col * cellW >= set.width * layout.zoom || y - row * cellH >= set.height * layout.zoom) return -1;
  const index = row * layout.columns + col;
  return index < set.count ? index : -1;
}

function unit(v: number, range: Range): number {
  const t = (v - range.min) / (range.max - range.min);
  return t < 0 ? 0 : t > 1 ? 1 : Number.isFinite(t) ? t : 0;
}

/** RGBA bytes of the whole grid on `background`; `lut` is 256 RGB triples for 1-channel tiles. */
export function renderTiles(
  set: TileSet,
  ranges: Range[],
  layout: TileLayout,
  lut: Uint8Array,
  background: [number, number, number] = [255, 255, 255],
): { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> } {
  const { width, height } = gridSize(set, layout);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...background, 255], i * 4);
  for (let t = 0; t < set.count; t++) {
    const values = tileValues(set, t);
    const left = (t % layout.columns) * (set.width * layout.zoom + layout.gap);
    const top = Math.floor(t / layout.columns) * (set.height * layout.zoom + layout.gap);
    for (let y = 0; y < set.height * layout.zoom; y++) {
      for (let x = 0; x < set.width * layout.zoom; x++) {
        const p = (Math.floor(y / layout.zoom) * set.width + Math.floor(x / layout.zoom)) * set.channels;
        const o = ((top + y) * width + left + x) * 4;
        if (set.channels === 3) {
          for (let c = 0; c < 3; c++) data[o + c] = Math.round(255 * unit(values[p + c], ranges[t]));
        } else {
          const k = Math.round(255 * unit(values[p], ranges[t])) * 3;
          data[o] = lut[k];
          data[o + 1] = lut[k + 1];
          data[o + 2] = lut[k + 2];
        }
        data[o + 3] = 255;
      }
    }
  }
  return { width, height, data };
}

/** A zoom that makes tiles about `target` pixels wide (at least 1). */
export function zoomFor(tileWidth: number, target: number): number {
  return Math.max(1, Math.floor(target / Math.max(1, tileWidth)));
}
