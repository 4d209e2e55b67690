// addFigure's inputs: a vega-lite spec, an SVG string or a canvas, each turned into PNG bytes.
import { renderPng, svgToPng, type VegaLiteSpec } from "../views/render";

/** A canvas of @napi-rs/canvas or node-canvas (toBuffer), or a browser-like one (toDataURL). */
export interface CanvasLike {
  width: number;
  height: number;
  toBuffer?: (mime: "image/png") => Buffer;
  toDataURL?: (mime?: string) => string;
}

export type FigureInput = VegaLiteSpec | string | CanvasLike;

function isCanvas(x: unknown): x is CanvasLike {
  const c = x as CanvasLike;
  return (
    typeof c === "object" &&
    c !== null &&
    typeof c.width === "number" &&
    (typeof c.toBuffer === "function" || typeof c.toDataURL === "function")
  );
}

export async function figureToPng(
  figure: FigureInput,
): Promise<{ png: Buffer; width: number; height: number }> {
  if (typeof figure === "string") {
    if (!/<svg[\s>]/i.test(figure))
      throw new TypeError("addFigure: a string figure must be SVG markup (<svg ...>...</svg>)");
    return svgToPng(figure, 1);
  }
  if (isCanvas(figure)) {
    const png = figure.toBuffer
      ? figure.toBuffer("image/png")
      : Buffer.from((figure.toDataURL as (m: string) => string)("image/png").split(",")[1] ?? "", "base64");
    return { png, width: figure.width, height: figure.height };
  }
  if (figure === null || typeof figure !== "object")
    throw new TypeError(
      `addFigure: figure must be a vega-lite spec, an SVG string or a canvas, got ${String(figure)}`,
    );
  return renderPng(figure, 1);
}
