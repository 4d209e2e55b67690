// Tensors to pictures: an image tensor (HWC, values in [0, 1] or rescaled) or a 2-D map through a colormap.
import { tf } from "../backend";
import {
  colorize,
  valueRange,
  symmetricRange,
  type ColormapName,
  type Colormap,
  type ValueRange,
} from "./colormap";
import { pixelsToRgba, type RgbaImage } from "./png";
import { ImageView } from "./view";

/** How numbers become brightness: fixed [0, 1], fixed [0, 255], the data's min-max, or a given range. */
export type ImageScale = "unit" | "byte" | "minmax" | ValueRange;

export interface TensorImageOptions {
  /** Default "unit": values in [0, 1], clipped. */
  scale?: ImageScale;
}

/** The [H, W, C] shape of an image tensor given as [H, W], [H, W, C] or [1, H, W, C] (C = 1, 3 or 4). */
export function imageShape(shape: readonly number[], what = "image"): [number, number, number] {
  const s = shape.length === 4 && shape[0] === 1 ? shape.slice(1) : shape;
  const [h, w, c] = s.length === 2 ? [s[0], s[1], 1] : s;
  if ((s.length !== 2 && s.length !== 3) || ![1, 3, 4].includes(c)) {
    throw new RangeError(
      `${what} must be [H, W], [H, W, C] or [1, H, W, C] with C = 1, 3 or 4; got shape [${shape.join(", ")}]`,
    );
  }
  return [h, w, c];
}

function rescale(values: Float32Array | Int32Array | Uint8Array, scale: ImageScale): ArrayLike<number> {
  if (scale === "unit" || scale === "byte") return values;
  const { min, max } = scale === "minmax" ? valueRange(values) : scale;
  const span = max - min || 1;
  return Float32Array.from(values, (v) => (v - min) / span);
}

/** RGBA pixels of an image tensor (not disposed: it stays the caller's). */
export function tensorToRgba(image: tf.Tensor, options: TensorImageOptions = {}): RgbaImage {
  const [h, w, c] = imageShape(image.shape);
  const scale = options.scale ?? "unit";
  const values = rescale(image.dataSync() as Float32Array, scale);
  return pixelsToRgba(values, h, w, c, scale === "byte" ? "byte" : "unit");
}

export interface HeatmapOptions {
  colormap?: ColormapName | Colormap;
  /** Default: the map's own min-max; "symmetric" = ±max|v| (zero at the centre of a diverging map). */
  range?: ValueRange | "minmax" | "symmetric";
}

/** A 2-D tensor ([H, W] or [1, H, W]) coloured with a colormap. */
export function heatmapToRgba(map: tf.Tensor, options: HeatmapOptions = {}): RgbaImage {
  const shape = map.shape.length === 3 && map.shape[0] === 1 ? map.shape.slice(1) : map.shape;
  if (shape.length !== 2) {
    throw new RangeError(`a heatmap must be [H, W] or [1, H, W]; got shape [${map.shape.join(", ")}]`);
  }
  const values = map.dataSync() as Float32Array;
  const range =
    options.range === "symmetric"
      ? symmetricRange(values)
      : options.range === "minmax" || options.range === undefined
        ? valueRange(values)
        : options.range;
  return colorize(values, shape[0], shape[1], { colormap: options.colormap, range });
}

function describe(tensor: tf.Tensor, kind: string): string {
  return `${kind} ${tensor.shape.join("x")} (${tensor.dtype})`;
}

/** A displayable, savable picture of an image tensor. */
export function tensorImage(image: tf.Tensor, options: TensorImageOptions = {}): ImageView {
  return new ImageView(tensorToRgba(image, options), describe(image, "image"));
}

/** A displayable, savable heatmap of a 2-D tensor. */
export function heatmapImage(map: tf.Tensor, options: HeatmapOptions = {}): ImageView {
  return new ImageView(
    heatmapToRgba(map, options),
    describe(map, `heatmap (${options.colormap ?? "viridis"})`),
  );
}
