// Tensor/pixel data to PNG. Pixels are RGBA bytes, row-major; encoding uses a real canvas (@napi-rs/canvas).
import { createCanvas, ImageData, type Canvas } from "@napi-rs/canvas";

export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, RGBA, row-major. */
  data: Uint8ClampedArray;
}

export function checkRgbaImage(image: RgbaImage): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `RGBA data for ${width}x${height} needs ${width * height * 4} bytes, got ${data.length}`,
    );
  }
}

export function rgbaToCanvas(image: RgbaImage): Canvas {
  checkRgbaImage(image);
  const canvas = createCanvas(image.width, image.height);
  canvas.getContext("2d").putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
  return canvas;
}

export function encodePng(image: RgbaImage): Buffer {
  return rgbaToCanvas(image).toBuffer("image/png");
}

/**
 * Converts an image held as numbers to RGBA bytes. Layout is HWC with 1, 3 or 4 channels; values are
 * floats in [0, 1] (scale "unit") or bytes in [0, 255] (scale "byte"). Values outside are clipped.
 */
export function pixelsToRgba(
  values: ArrayLike<number>,
  height: number,
  width: number,
  channels: number,
  scale: "unit" | "byte",
): RgbaImage {
  if (![1, 3, 4].includes(channels)) {
    throw new RangeError(`an image needs 1, 3 or 4 channels, got ${channels}`);
  }
  if (values.length !== height * width * channels) {
    throw new RangeError(
      `expected ${height}x${width}x${channels} = ${height * width * channels} values, got ${values.length}`,
    );
  }
  const factor = scale === "unit" ? 255 : 1;
  const data = new Uint8ClampedArray(height * width * 4);
  for (let p = 0; p < height * width; p++) {
    const src = p * channels;
    const r = values[src] * factor;
    data[p * 4] = r;
    data[p * 4 + 1] = channels === 1 ? r : values[src + 1] * factor;
    data[p * 4 + 2] = channels === 1 ? r : values[src + 2] * factor;
    data[p * 4 + 3] = channels === 4 ? values[src + 3] * factor : 255;
  }
  return { width, height, data };
}

/** Each pixel becomes a `factor`×`factor` square (nearest neighbour), so small maps stay crisp when enlarged. */
export function enlargeRgba(image: RgbaImage, factor: number): RgbaImage {
  if (!Number.isInteger(factor) || factor < 1) {
    throw new RangeError(`scale must be a whole number >= 1, got ${factor}`);
  }
  if (factor === 1) return image;
  const width = image.width * factor;
  const height = image.height * factor;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = Math.floor(y / factor) * image.width;
    for (let x = 0; x < width; x++) {
      const source = (from + Math.floor(x / factor)) * 4;
      data.set(image.data.subarray(source, source + 4), (y * width + x) * 4);
    }
  }
  return { width, height, data };
}
