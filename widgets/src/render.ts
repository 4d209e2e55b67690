// Kernel-side pictures for the static MIME bundles, drawn with the same shared code as the browser views
// on a real canvas (@napi-rs/canvas).
import { createCanvas } from "@napi-rs/canvas";
import type { Ctx2D } from "./shared/canvas";
import { THEME } from "./shared/canvas";

export function drawPng(width: number, height: number, draw: (ctx: Ctx2D) => void): Buffer {
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = THEME.background;
  ctx.fillRect(0, 0, width, height);
  draw(ctx as unknown as Ctx2D);
  return canvas.toBuffer("image/png");
}

export function pngBundle(png: Buffer, text: string, extra: Record<string, unknown> = {}) {
  return { "text/plain": text, "image/png": png.toString("base64"), ...extra };
}
