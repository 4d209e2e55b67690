// Colormaps as 256-entry RGB lookup tables, and applying them to 2-D data. Viridis, the diverging map and gray
// come from d3-scale-chromatic (the ColorBrewer / matplotlib definitions); jet is MATLAB's piecewise-linear map,
// the one pytorch-grad-cam's overlays use through OpenCV.
import type { RgbaImage } from "./png";

export type ColormapName = "viridis" | "jet" | "diverging" | "gray";

export interface Colormap {
  name: string;
  /** 256 RGB triples, 768 bytes: entry i is the colour of the value i / 255. */
  lut: Uint8Array;
}

interface Chromatic {
  interpolateViridis(t: number): string;
  interpolateRdBu(t: number): string;
}

// d3-scale-chromatic is ESM only; Node >= 20.19 loads it through require().
const chromatic = require("d3-scale-chromatic") as Chromatic;

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Parses the "#rrggbb" or "rgb(r, g, b)" strings d3 returns. */
function parseCss(colour: string): [number, number, number] {
  if (colour.startsWith("#")) {
    const n = parseInt(colour.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const parts = colour.match(/\d+(\.\d+)?/g);
  if (!parts || parts.length < 3) throw new Error(`cannot parse colour ${colour}`);
  return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
}

function buildLut(name: string, colourAt: (t: number) => [number, number, number]): Colormap {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const [r, g, b] = colourAt(i / 255);
    lut[i * 3] = Math.round(r);
    lut[i * 3 + 1] = Math.round(g);
    lut[i * 3 + 2] = Math.round(b);
  }
  return { name, lut };
}

// MATLAB jet: each channel is a trapezoid of width 2 (in quarters of the range), peaking at 1/4, 1/2, 3/4.
function jetAt(t: number): [number, number, number] {
  const channel = (centre: number) => 255 * clamp01(1.5 - Math.abs(4 * t - centre));
  return [channel(3), channel(2), channel(1)];
}

const BUILDERS: Record<ColormapName, () => Colormap> = {
  viridis: () => buildLut("viridis", (t) => parseCss(chromatic.interpolateViridis(t))),
  jet: () => buildLut("jet", jetAt),
  // RdBu reversed: negative = blue, zero = near-white, positive = red (matplotlib's "RdBu_r").
  diverging: () => buildLut("diverging", (t) => parseCss(chromatic.interpolateRdBu(1 - t))),
  gray: () => buildLut("gray", (t) => [255 * t, 255 * t, 255 * t]),
};

const cache = new Map<ColormapName, Colormap>();

export const COLORMAP_NAMES = Object.keys(BUILDERS) as ColormapName[];

/** The colormap of that name (or the given one, checked). */
export function getColormap(map: ColormapName | Colormap): Colormap {
  if (typeof map === "object") {
    if (!(map.lut instanceof Uint8Array) || map.lut.length !== 768) {
      throw new TypeError(`a colormap needs a 768-byte lut (256 RGB entries), got ${map.lut?.length}`);
    }
    return map;
  }
  const build = BUILDERS[map];
  if (!build) throw new RangeError(`unknown colormap "${map}"; expected one of ${COLORMAP_NAMES.join(", ")}`);
  let found = cache.get(map);
  if (!found) cache.set(map, (found = build()));
  return found;
}

/** The RGB bytes of the value t in [0, 1] (clipped; NaN maps to 0). */
export function colourAt(map: ColormapName | Colormap, t: number): [number, number, number] {
  const { lut } = getColormap(map);
  const i = Number.isNaN(t) ? 0 : Math.round(clamp01(t) * 255) * 3;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

export interface ValueRange {
  min: number;
  max: number;
}

/** min and max of the values (NaN ignored; [0, 0] when there is no finite value). */
export function valueRange(values: ArrayLike<number>): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: 0, max: 0 };
}

/** ±max|v|: the range that puts zero at the centre of a diverging colormap. */
export function symmetricRange(values: ArrayLike<number>): ValueRange {
  const { min, max } = valueRange(values);
  const m = Math.max(Math.abs(min), Math.abs(max));
  return { min: -m, max: m };
}

export interface ColorizeOptions {
  colormap?: ColormapName | Colormap;
  /** Values mapped to the ends of the colormap; default: the data's own min and max. */
  range?: ValueRange;
}

/**
 * Colours a height x width grid of numbers (row-major). An empty range (max = min, e.g. a dead ReLU channel)
 * maps to the low end of a sequential map and to the neutral middle of the diverging one.
 */
export function colorize(
  values: ArrayLike<number>,
  height: number,
  width: number,
  options: ColorizeOptions = {},
): RgbaImage {
  if (values.length !== height * width) {
    throw new RangeError(`expected ${height}x${width} = ${height * width} values, got ${values.length}`);
  }
  const map = getColormap(options.colormap ?? "viridis");
  const { lut } = map;
  const { min, max } = options.range ?? valueRange(values);
  const span = max - min;
  const flat = map.name === "diverging" ? 0.5 : 0;
  const data = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < values.length; p++) {
    const v = values[p];
    const t = span > 0 ? (v - min) / span : flat;
    const i = Number.isNaN(t) ? 0 : Math.round(clamp01(t) * 255) * 3;
    data[p * 4] = lut[i];
    data[p * 4 + 1] = lut[i + 1];
    data[p * 4 + 2] = lut[i + 2];
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}
