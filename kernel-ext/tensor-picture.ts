// Pictures for tensor previews (loaded on first use: the PNG encoder is a native canvas): image-shaped tensors as
// PNG tiles, anything large as a histogram of a bounded sample.
import { encodePng, pixelsToRgba, type RgbaImage } from "../src/image/png";
import { copy, formatNumber, MAX_COPIED, type Stats, type TensorLike } from "./tensor-preview";

const GAP = 2;
const COLUMNS = 8;

/** Values to [0, 1]: kept as they are when already in [0, 1], /255 for bytes, else min–max. */
function normalise(values: ArrayLike<number>, stats: Stats): Float32Array {
  const out = new Float32Array(values.length);
  let [low, span] = [0, 1];
  if (stats.min >= 0 && stats.max <= 255 && stats.max > 1) span = 255;
  else if (stats.min < 0 || stats.max > 1) [low, span] = [stats.min, stats.max - stats.min || 1];
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - low) / span;
  return out;
}

function tile(images: RgbaImage[]): RgbaImage {
  const columns = Math.min(COLUMNS, images.length);
  const rows = Math.ceil(images.length / columns);
  const [w, h] = [images[0].width, images[0].height];
  const width = columns * w + (columns - 1) * GAP;
  const height = rows * h + (rows - 1) * GAP;
  const data = new Uint8ClampedArray(width * height * 4);
  images.forEach((image, i) => {
    const [x0, y0] = [(i % columns) * (w + GAP), Math.floor(i / columns) * (h + GAP)];
    for (let y = 0; y < h; y++) {
      data.set(image.data.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * width + x0) * 4);
    }
  });
  return { width, height, data };
}

/** The first `count` images ([H, W, C] or [N, H, W, C]), strided so at most MAX_COPIED values are copied. */
export function imagePreview(tensor: TensorLike, stats: Stats, count: number): string {
  const batched = tensor.shape.length === 4;
  const [h, w, c] = tensor.shape.slice(-3);
  const stride = Math.max(1, Math.ceil(Math.sqrt((count * h * w * c) / MAX_COPIED)));
  const values = copy(tensor, (keep) => {
    const sliced = batched
      ? tensor.stridedSlice([0, 0, 0, 0], [count, h, w, c], [1, stride, stride, 1])
      : tensor.stridedSlice([0, 0, 0], [h, w, c], [stride, stride, 1]);
    return keep(keep(sliced).cast("float32"));
  });
  const [sh, sw] = [Math.ceil(h / stride), Math.ceil(w / stride)];
  const unit = normalise(values, stats);
  const per = sh * sw * c;
  const images = Array.from({ length: count }, (_, i) =>
    pixelsToRgba(unit.subarray(i * per, (i + 1) * per), sh, sw, c, "unit"),
  );
  return encodePng(tile(images)).toString("base64");
}

const BINS = 40;
const [WIDTH, HEIGHT, PAD] = [400, 120, 20];

/** An SVG histogram of `sample` (every k-th value of the tensor) between the tensor's exact min and max. */
export function histogramSvg(sample: ArrayLike<number>, stats: Stats, size: number): string {
  const counts = new Array<number>(BINS).fill(0);
  const span = stats.max - stats.min || 1;
  for (let i = 0; i < sample.length; i++) {
    const bin = Math.floor(((sample[i] - stats.min) / span) * BINS);
    counts[Math.min(BINS - 1, Math.max(0, bin))]++;
  }
  const peak = Math.max(...counts);
  const barWidth = WIDTH / BINS;
  const bars = counts
    .map((n, i) => {
      const height = (n / peak) * HEIGHT;
      return `<rect x="${(PAD + i * barWidth).toFixed(1)}" y="${(PAD + HEIGHT - height).toFixed(1)}" width="${(barWidth - 1).toFixed(1)}" height="${height.toFixed(1)}" fill="#4c78a8"/>`;
    })
    .join("");
  const note = sample.length < size ? `sample of ${sample.length} of ${size} values` : `${size} values`;
  const label = (x: number, anchor: string, text: string) =>
    `<text x="${x}" y="${PAD + HEIGHT + 14}" font-size="11" font-family="sans-serif" text-anchor="${anchor}">${text}</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH + 2 * PAD}" height="${HEIGHT + 2 * PAD + 10}">` +
    `<text x="${PAD}" y="14" font-size="11" font-family="sans-serif">histogram, ${note}</text>${bars}` +
    label(PAD, "start", formatNumber(stats.min)) +
    label(PAD + WIDTH, "end", formatNumber(stats.max)) +
    `</svg>`
  );
}
