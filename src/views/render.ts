// Renders vega-lite v5 specs in-process: vega-lite compiles to vega, vega's headless SVG renderer draws, and
// @napi-rs/canvas rasterises the SVG when a PNG is needed (vega's own canvas path wants node-canvas).
import type * as VegaLite from "vega-lite";
import type * as Vega from "vega";
import { createCanvas, Image } from "@napi-rs/canvas";

// vega and vega-lite take ~350 ms to load: loaded on first render, not with `import "tensorscope"`.
let vl: typeof VegaLite | undefined;
let vega: typeof Vega | undefined;
const vegaLite = (): typeof VegaLite => (vl ??= require("vega-lite") as typeof VegaLite);
const vegaRuntime = (): typeof Vega => (vega ??= require("vega") as typeof Vega);

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export type VegaLiteSpec = Record<string, unknown>;

/** Compiles a vega-lite spec; errors name the problem at the call. */
export function compileVegaLite(spec: VegaLiteSpec): Vega.Spec {
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`expected a vega-lite spec object, got ${String(spec)}`);
  }
  try {
    return vegaLite().compile(spec as unknown as VegaLite.TopLevelSpec).spec;
  } catch (error) {
    throw new Error(`invalid vega-lite spec: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const runtime = vegaRuntime();
  const view = new runtime.View(runtime.parse(compileVegaLite(spec)), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterises an SVG onto a white background at `scale` (2 = crisp on high-DPI screens). */
export function svgToPng(svg: string, scale = 1): { png: Buffer; width: number; height: number } {
  const image = new Image();
  image.src = Buffer.from(svg);
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "white";
  ctx.fillRect(0, 0, width, height);
  ctx.drawImage(image, 0, 0, width, height);
  return { png: canvas.toBuffer("image/png"), width, height };
}

export async function renderPng(
  spec: VegaLiteSpec,
  scale = 1,
): Promise<{ png: Buffer; width: number; height: number }> {
  return svgToPng(await renderSvg(spec), scale);
}
