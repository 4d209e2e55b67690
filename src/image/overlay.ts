// A class-activation (or saliency) map laid over its image, with pytorch-grad-cam's show_cam_on_image formula
// so that pictures compare across frameworks:
//
//   heat = colormap(floor(255 · cam)) / 255          (RGB, not OpenCV's BGR)
//   out  = alpha · heat + (1 − alpha) · image        (alpha = 1 − image_weight; grad-cam's default 0.5)
//   out  = out / max(out)                            (grad-cam's rescale; `rescale: false` skips it)
//   pixel = uint8(255 · out)
import { tf } from "../backend";
import { getColormap, type ColormapName, type Colormap } from "./colormap";
import { imageShape } from "./tensor-image";
import { enlargeRgba, type RgbaImage } from "./png";
import { ImageView } from "./view";

export interface OverlayOptions {
  /** Weight of the heatmap, in [0, 1]; the image gets 1 − alpha. Default 0.5. */
  alpha?: number;
  /** pytorch-grad-cam's image_weight: the image's weight, i.e. 1 − alpha (give one of the two). */
  imageWeight?: number;
  /** Default "jet", as pytorch-grad-cam. */
  colormap?: ColormapName | Colormap;
  /** Divide by the brightest value, as show_cam_on_image does (default true). */
  rescale?: boolean;
  /** Enlarge the picture by this whole factor, each pixel a crisp square (default 1: the image's own size). */
  scale?: number;
}

/** The heatmap's weight from `alpha` or pytorch-grad-cam's `imageWeight` (= 1 − alpha). */
function alphaOf(options: OverlayOptions): number {
  if (options.alpha !== undefined && options.imageWeight !== undefined) {
    throw new TypeError("overlay takes alpha or imageWeight (= 1 − alpha), not both");
  }
  if (options.imageWeight !== undefined) {
    if (!(options.imageWeight >= 0 && options.imageWeight <= 1)) {
      throw new RangeError(`overlay imageWeight must be in [0, 1], got ${options.imageWeight}`);
    }
    return 1 - options.imageWeight;
  }
  return options.alpha ?? 0.5;
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`overlay alpha must be in [0, 1], got ${alpha}`);
}

/** The map as [H, W] values at the image's size (bilinear resize when the sizes differ). */
function camValues(cam: tf.Tensor, height: number, width: number): Float32Array {
  const shape = cam.shape.length === 3 && cam.shape[0] === 1 ? cam.shape.slice(1) : cam.shape;
  if (shape.length !== 2) {
    throw new RangeError(`the map must be [H, W] or [1, H, W]; got shape [${cam.shape.join(", ")}]`);
  }
  return tf.tidy(() => {
    const map = cam.reshape([shape[0], shape[1], 1]).toFloat();
    const sized =
      shape[0] === height && shape[1] === width
        ? map
        : tf.image.resizeBilinear(map as tf.Tensor3D, [height, width]);
    return sized.dataSync() as Float32Array;
  });
}

/** Blends the map over the image (both [0, 1] valued) and returns the RGBA pixels. */
export function overlayToRgba(image: tf.Tensor, cam: tf.Tensor, options: OverlayOptions = {}): RgbaImage {
  const alpha = alphaOf(options);
  checkAlpha(alpha);
  const [h, w, c] = imageShape(image.shape, "overlay image");
  const pixels = image.dataSync();
  let brightest = -Infinity;
  let darkest = Infinity;
  for (const v of pixels) {
    brightest = Math.max(brightest, v);
    darkest = Math.min(darkest, v);
  }
  if (brightest > 1 || darkest < 0) {
    throw new RangeError(
      `overlay needs image values in [0, 1], got [${darkest}, ${brightest}]; divide bytes by 255 first`,
    );
  }
  const { lut } = getColormap(options.colormap ?? "jet");
  const mask = camValues(cam, h, w);
  const out = new Float32Array(h * w * 3);
  let max = 0;
  for (let p = 0; p < h * w; p++) {
    // uint8(255 · cam) truncates, as numpy does.
    const t = Math.floor(Math.min(1, Math.max(0, mask[p] || 0)) * 255) * 3;
    for (let k = 0; k < 3; k++) {
      const img = pixels[p * c + (c === 1 ? 0 : k)];
      const v = (alpha * lut[t + k]) / 255 + (1 - alpha) * img;
      out[p * 3 + k] = v;
      // the stored float32, so that the brightest value divides to exactly 1 as in numpy
      max = Math.max(max, out[p * 3 + k]);
    }
  }
  const divisor = options.rescale === false || max === 0 ? 1 : max;
  const data = new Uint8ClampedArray(h * w * 4);
  for (let p = 0; p < h * w; p++) {
    for (let k = 0; k < 3; k++) data[p * 4 + k] = Math.floor((255 * out[p * 3 + k]) / divisor);
    data[p * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/**
 * `overlay(image, cam, { alpha, colormap, scale })`: the map (values in [0, 1], e.g. from a CAM) over the image
 * (values in [0, 1]), as a picture that displays in a notebook and saves with `.savePng(path)`. Neither tensor
 * is disposed.
 */
export function overlay(image: tf.Tensor, cam: tf.Tensor, options: OverlayOptions = {}): ImageView {
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new RangeError(`overlay scale must be a whole number >= 1, got ${scale}`);
  }
  const rgba = enlargeRgba(overlayToRgba(image, cam, options), scale);
  const alpha = alphaOf(options);
  const enlarged = scale > 1 ? `, enlarged ${scale}x` : "";
  return new ImageView(
    rgba,
    `overlay ${rgba.height}x${rgba.width} (alpha ${alpha}, ${options.colormap ?? "jet"}${enlarged})`,
  );
}
