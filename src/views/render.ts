// Renders vega-lite v5 specs in-process: vega-lite compiles to vega, vega's headless SVG renderer draws, and
// @napi-rs/canvas rasterises the SVG when a PNG is needed (vega's own canvas path wants node-canvas).
import * as vl from "vega-lite";
import * as vega from "vega";
import { createCanvas, Image } from "@napi-rs/canvas";

export const VEGA_LITE_MIME = "application/vnd.vegalite.v5+json";
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export type VegaLiteSpec = Record<string, unknown>;

/** Compiles a vega-lite spec; errors name the problem at the call. */
export function compileVegaLite(spec: VegaLiteSpec): vega.Spec {
  if (spec === null || typeof spec !== "object") {
    throw new TypeError(`expected a vega-lite spec object, got ${String(spec)}`);
  }
  try {
    return vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  } catch (error) {
    throw new Error(`invalid vega-lite spec: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(compileVegaLite(spec)), { renderer: "none" });
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
