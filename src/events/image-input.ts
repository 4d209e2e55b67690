// Turns what users pass to addImage/addImages (tfjs tensors or plain arrays with a shape, CHW/HWC/HW/NCHW/NHWC,
// floats in [0, 1] or bytes) into RGBA pixels, checking the shape at the call.
import { pixelsToRgba, type RgbaImage } from "../image/png";

/** A tfjs tensor (duck-typed so the writer does not need TensorFlow) or numbers with an explicit shape. */
export interface TensorLike {
  shape: number[];
  dtype?: string;
  dataSync(): ArrayLike<number>;
}
export interface ShapedArray {
  shape: number[];
  data: ArrayLike<number>;
}
export type ImageInput = TensorLike | ShapedArray;
export type ImageFormat = "CHW" | "HWC" | "HW";
export type ImagesFormat = "NCHW" | "NHWC";

const CHANNELS = [1, 3, 4];

function isTensorLike(x: ImageInput): x is TensorLike {
  return typeof (x as TensorLike).dataSync === "function";
}

function valuesOf(input: ImageInput): { values: ArrayLike<number>; scale: "unit" | "byte" } {
  if (isTensorLike(input)) {
    // tfjs has no uint8 dtype: integer tensors hold bytes, float tensors hold values in [0, 1] (PyTorch's rule).
    return { values: input.dataSync(), scale: input.dtype === "int32" ? "byte" : "unit" };
  }
  const data = input.data;
  const isBytes = data instanceof Uint8Array || data instanceof Uint8ClampedArray;
  return { values: data, scale: isBytes ? "byte" : "unit" };
}

function checkInput(input: ImageInput, what: string): number[] {
  if (input === null || typeof input !== "object" || !Array.isArray(input.shape)) {
    throw new TypeError(`${what} must be a tf.Tensor or { data, shape }, got ${String(input)}`);
  }
  if (!isTensorLike(input)) {
    const size = input.shape.reduce((a, b) => a * b, 1);
    if (input.data?.length !== size) {
      throw new RangeError(`${what}: shape [${input.shape}] needs ${size} values, got ${input.data?.length}`);
    }
  }
  return input.shape;
}

/** Copies CHW-ordered values to HWC order. */
function chwToHwc(values: ArrayLike<number>, c: number, h: number, w: number, offset = 0): Float64Array {
  const out = new Float64Array(h * w * c);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < h * w; p++) out[p * c + ch] = values[offset + ch * h * w + p];
  }
  return out;
}

/** One image, PyTorch's add_image rules: default CHW; 1, 3 or 4 channels; HW is greyscale. */
export function imageToRgba(input: ImageInput, format: ImageFormat = "CHW"): RgbaImage {
  const shape = checkInput(input, "addImage's image");
  const expectedRank = format === "HW" ? 2 : 3;
  if (shape.length !== expectedRank) {
    throw new RangeError(
      `addImage expects an image of rank ${expectedRank} for dataformats "${format}", got shape [${shape}]. ` +
        `Accepted shapes: [C, H, W] ("CHW", the default), [H, W, C] ("HWC") or [H, W] ("HW"), with C = 1, 3 or 4; ` +
        `use addImages for a batch [N, C, H, W].`,
    );
  }
  const { values, scale } = valuesOf(input);
  if (format === "HW") return pixelsToRgba(values, shape[0], shape[1], 1, scale);
  const [c, h, w] = format === "CHW" ? shape : [shape[2], shape[0], shape[1]];
  if (!CHANNELS.includes(c)) {
    throw new RangeError(
      `addImage: ${c} channels in shape [${shape}] read as "${format}"; accepted: 1, 3 or 4 channels. ` +
        `For an image laid out [H, W, C] pass { dataformats: "HWC" }.`,
    );
  }
  const hwc = format === "CHW" ? chwToHwc(values, c, h, w) : values;
  return pixelsToRgba(hwc, h, w, c, scale);
}

/** A batch tiled into a grid of `ncols` columns (PyTorch's make_grid, no padding), as RGBA. */
export function imagesToGrid(
  input: ImageInput,
  format: ImagesFormat = "NCHW",
  ncols = 8,
  method = "addImages",
): RgbaImage {
  const shape = checkInput(input, `${method}: the images`);
  if (shape.length !== 4) {
    throw new RangeError(
      `${method} expects a batch of rank 4, got shape [${shape}]. Accepted shapes: [N, C, H, W] ("NCHW", the default) ` +
        `or [N, H, W, C] ("NHWC"), with C = 1, 3 or 4; use addImage for a single image.`,
    );
  }
  const [n, c, h, w] = format === "NCHW" ? shape : [shape[0], shape[3], shape[1], shape[2]];
  if (!CHANNELS.includes(c))
    throw new RangeError(
      `${method}: ${c} channels in shape [${shape}] read as "${format}"; accepted: 1, 3 or 4 channels. ` +
        `For a batch laid out [N, H, W, C] pass { dataformats: "NHWC" }.`,
    );
  if (n === 0) throw new RangeError(`${method} needs at least one image, got N = 0`);
  const { values, scale } = valuesOf(input);
  const cols = Math.min(ncols, n);
  const rows = Math.ceil(n / cols);
  const grid = new Uint8ClampedArray(rows * h * cols * w * 4);
  for (let i = 0; i < n; i++) {
    const hwc =
      format === "NCHW"
        ? chwToHwc(values, c, h, w, i * c * h * w)
        : sliceOf(values, i * h * w * c, h * w * c);
    const tile = pixelsToRgba(hwc, h, w, c, scale);
    blit(tile.data, grid, cols * w, Math.floor(i / cols) * h, (i % cols) * w, h, w);
  }
  return { width: cols * w, height: rows * h, data: grid };
}

function sliceOf(values: ArrayLike<number>, start: number, length: number): ArrayLike<number> {
  return Array.prototype.slice.call(values, start, start + length) as number[];
}

function blit(
  tile: Uint8ClampedArray,
  grid: Uint8ClampedArray,
  gridWidth: number,
  y0: number,
  x0: number,
  h: number,
  w: number,
): void {
  for (let y = 0; y < h; y++) {
    grid.set(tile.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * gridWidth + x0) * 4);
  }
}
