// Tiles images into one picture with labels, a title and an optional colour bar, drawn on a real canvas
// (@napi-rs/canvas). Small tiles (3x3 kernels, 7x7 feature maps) are enlarged with nearest-neighbour
// sampling so that every weight stays a crisp square.
import { createCanvas, type SKRSContext2D } from "@napi-rs/canvas";
import { checkRgbaImage, rgbaToCanvas, type RgbaImage } from "./png";
import { getColormap, type ColormapName, type Colormap, type ValueRange } from "./colormap";

export interface GridTile {
  image: RgbaImage;
  label?: string;
}

export interface ColorbarSpec {
  colormap: ColormapName | Colormap;
  range: ValueRange;
  label?: string;
}

export interface GridOptions {
  /** Tiles per row; default ceil(sqrt(n)). */
  columns?: number;
  /** Integer enlargement of every tile; default: the smallest that makes the largest tile side >= minTileSize. */
  scale?: number;
  /** Default 48 px. */
  minTileSize?: number;
  /** Space between tiles, default 4 px. */
  padding?: number;
  /** CSS colour behind the tiles, default white. */
  background?: string;
  /** Drawn above the grid; "\n" separates lines. The picture widens (up to 640 px) to fit it. */
  title?: string;
  /** Label and title font size in px, default 11. */
  fontSize?: number;
  colorbar?: ColorbarSpec;
}

const FONT_FAMILY = "DejaVu Sans, sans-serif";

interface Layout {
  columns: number;
  rows: number;
  scale: number;
  cellW: number;
  cellH: number;
  padding: number;
  titleH: number;
  labelH: number;
  barH: number;
  fontSize: number;
}

function planLayout(tiles: GridTile[], options: GridOptions): Layout {
  const n = tiles.length;
  const columns = Math.max(1, Math.min(n, Math.floor(options.columns ?? Math.ceil(Math.sqrt(n)))));
  const maxW = Math.max(...tiles.map((t) => t.image.width));
  const maxH = Math.max(...tiles.map((t) => t.image.height));
  const minTile = options.minTileSize ?? 48;
  const scale = Math.max(1, Math.floor(options.scale ?? Math.ceil(minTile / Math.max(maxW, maxH))));
  const fontSize = options.fontSize ?? 11;
  const padding = options.padding ?? 4;
  return {
    columns,
    rows: Math.ceil(n / columns),
    scale,
    cellW: maxW * scale,
    cellH: maxH * scale,
    padding,
    fontSize,
    titleH: options.title ? options.title.split("\n").length * (fontSize + 4) + 4 : 0,
    labelH: tiles.some((t) => t.label) ? fontSize + 4 : 0,
    barH: options.colorbar ? 2 * fontSize + 20 : 0,
  };
}

/** Cuts text to fit maxWidth, ending in "…" when cut. */
function fitText(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(cut + "…").width > maxWidth) cut = cut.slice(0, -1);
  return cut + "…";
}

export function formatTick(value: number): string {
  if (value === 0) return "0";
  const abs = Math.abs(value);
  return abs >= 1e4 || abs < 1e-3 ? value.toExponential(1) : String(Number(value.toPrecision(3)));
}

function drawColorbar(
  ctx: SKRSContext2D,
  bar: ColorbarSpec,
  x: number,
  y: number,
  width: number,
  font: number,
) {
  const { lut } = getColormap(bar.colormap);
  const barH = 10;
  for (let px = 0; px < width; px++) {
    const i = Math.round((px / Math.max(1, width - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`;
    ctx.fillRect(x + px, y, 1, barH);
  }
  ctx.strokeStyle = "#888";
  ctx.strokeRect(x + 0.5, y + 0.5, width - 1, barH - 1);
  ctx.fillStyle = "#222";
  ctx.textBaseline = "top";
  const ticks: [number, CanvasTextAlign, number][] = [
    [bar.range.min, "left", x],
    [(bar.range.min + bar.range.max) / 2, "center", x + width / 2],
    [bar.range.max, "right", x + width],
  ];
  for (const [value, align, tx] of ticks) {
    ctx.textAlign = align;
    ctx.fillText(formatTick(value), tx, y + barH + 2);
  }
  if (bar.label) {
    ctx.textAlign = "center";
    ctx.fillText(fitText(ctx, bar.label, width), x + width / 2, y + barH + font + 4);
  }
}

const MAX_TITLE_WIDTH = 640;

function titleWidth(options: GridOptions, L: Layout): number {
  if (!options.title) return 0;
  const ctx = createCanvas(1, 1).getContext("2d");
  ctx.font = `${L.fontSize}px ${FONT_FAMILY}`;
  const widest = Math.max(...options.title.split("\n").map((line) => ctx.measureText(line).width));
  return Math.min(MAX_TITLE_WIDTH, Math.ceil(widest) + 2 * L.padding + 4);
}

/** Draws the tiles in a grid and returns the picture as RGBA. */
export function renderGrid(tiles: GridTile[], options: GridOptions = {}): RgbaImage {
  if (tiles.length === 0) throw new RangeError("a grid needs at least one image");
  tiles.forEach((t) => checkRgbaImage(t.image));
  const L = planLayout(tiles, options);
  const stepX = L.cellW + L.padding;
  const stepY = L.cellH + L.labelH + L.padding;
  const width = Math.max(L.padding + L.columns * stepX, options.colorbar ? 160 : 0, titleWidth(options, L));
  const height = L.titleH + L.padding + L.rows * stepY + L.barH;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = options.background ?? "#ffffff";
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingEnabled = false;
  ctx.font = `${L.fontSize}px ${FONT_FAMILY}`;
  ctx.fillStyle = "#222";
  if (options.title) {
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    options.title.split("\n").forEach((line, i) => {
      ctx.fillText(fitText(ctx, line, width - 2 * L.padding), L.padding, 4 + i * (L.fontSize + 4));
    });
  }
  tiles.forEach((tile, k) => {
    const x = L.padding + (k % L.columns) * stepX;
    const y = L.titleH + L.padding + Math.floor(k / L.columns) * stepY;
    const w = tile.image.width * L.scale;
    const h = tile.image.height * L.scale;
    const dx = x + Math.floor((L.cellW - w) / 2);
    const dy = y + Math.floor((L.cellH - h) / 2);
    ctx.drawImage(rgbaToCanvas(tile.image), dx, dy, w, h);
    if (tile.label) {
      ctx.fillStyle = "#222";
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.fillText(fitText(ctx, tile.label, L.cellW + L.padding), x + L.cellW / 2, y + L.cellH + 2);
    }
  });
  if (options.colorbar) {
    const barW = Math.min(width - 2 * L.padding, 256);
    drawColorbar(
      ctx,
      options.colorbar,
      Math.floor((width - barW) / 2),
      height - L.barH + 6,
      barW,
      L.fontSize,
    );
  }
  const data = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
}
