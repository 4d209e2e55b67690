// The execute_result of a tf.Tensor: shape, dtype, statistics and a few values as text; a table for small 1-D/2-D
// tensors, a picture for image-shaped ones, a histogram for large ones. Statistics are reduced on the device
// (scalars come back); values, pictures and histograms come from slices of at most MAX_COPIED elements, so
// previewing a huge tensor never copies it off the GPU/WASM heap.
import { escapeHtml } from "../src/html";
import type { MimeBundle } from "../src/display";

/** The tensor methods used here (tfjs's chained ops), so the kernel need not load tfjs itself. */
export interface TensorLike {
  shape: number[];
  dtype: string;
  size: number;
  isDisposed: boolean;
  dataSync(): ArrayLike<number> | string[] | Uint8Array[];
  reshape(shape: number[]): TensorLike;
  slice(begin: number[], size: number[]): TensorLike;
  stridedSlice(begin: number[], end: number[], strides: number[]): TensorLike;
  cast(dtype: string): TensorLike;
  min(): TensorLike;
  max(): TensorLike;
  mean(): TensorLike;
  sub(other: TensorLike): TensorLike;
  square(): TensorLike;
  sqrt(): TensorLike;
  dispose(): void;
}

/** At most this many elements are ever copied from the device for one preview (plus four scalars). */
export const MAX_COPIED = 65_536;
const SHOWN_VALUES = 6;
const TABLE_MAX = { length: 64, rows: 32, columns: 32 };
const HISTOGRAM_FROM = 1_024;
const MAX_IMAGES = 16;

export function isTensorLike(value: unknown): value is TensorLike {
  const t = value as Partial<TensorLike> | null;
  return (
    typeof t === "object" &&
    t !== null &&
    Array.isArray(t.shape) &&
    typeof t.dtype === "string" &&
    typeof t.dataSync === "function" &&
    typeof t.isDisposed === "boolean"
  );
}

interface Stats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

type Keep = (t: TensorLike) => TensorLike;

/** Copies the result of `make` and disposes every intermediate it kept (never `original`, the user's tensor). */
function copy(original: TensorLike, make: (keep: Keep) => TensorLike): ArrayLike<number> {
  const made = new Set<TensorLike>();
  const keep: Keep = (t) => (made.add(t), t);
  try {
    return make(keep).dataSync() as ArrayLike<number>;
  } finally {
    made.delete(original);
    for (const t of made) t.dispose();
  }
}

function statistics(tensor: TensorLike): Stats {
  const scalar = (make: (keep: Keep) => TensorLike) => Number(copy(tensor, make)[0]);
  const asFloat = (keep: Keep) => keep(tensor.cast("float32"));
  const mean = scalar((keep) => keep(asFloat(keep).mean()));
  return {
    min: scalar((keep) => keep(asFloat(keep).min())),
    max: scalar((keep) => keep(asFloat(keep).max())),
    mean,
    std: scalar((keep) => {
      const x = asFloat(keep);
      const m = keep(x.mean());
      return keep(keep(keep(keep(x.sub(m)).square()).mean()).sqrt());
    }),
  };
}

/** Every `step`-th element of the flattened tensor, at most MAX_COPIED of them. */
function flatSample(tensor: TensorLike, count = MAX_COPIED): ArrayLike<number> {
  const step = Math.max(1, Math.ceil(tensor.size / count));
  return copy(tensor, (keep) => {
    const flat = keep(keep(tensor.cast("float32")).reshape([tensor.size]));
    return keep(flat.stridedSlice([0], [tensor.size], [step]));
  });
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e-3 && Math.abs(value) < 1e5 ? value.toPrecision(4) : value.toExponential(3);
}

function firstValues(tensor: TensorLike): string {
  const n = Math.min(tensor.size, SHOWN_VALUES);
  const values = copy(tensor, (keep) =>
    keep(keep(keep(tensor.reshape([tensor.size])).slice([0], [n])).cast("float32")),
  );
  const shown = Array.from(values).map(formatNumber).join(", ");
  return tensor.size > n ? `[${shown}, …]` : `[${shown}]`;
}

function describe(tensor: TensorLike, stats: Stats | undefined): string {
  const head = `Tensor shape=[${tensor.shape.join(", ")}] dtype=${tensor.dtype} size=${tensor.size}`;
  if (!stats) return head;
  const s = `min=${formatNumber(stats.min)} max=${formatNumber(stats.max)} mean=${formatNumber(stats.mean)} std=${formatNumber(stats.std)}`;
  return `${head}\n${s}\nvalues ${firstValues(tensor)}`;
}

function table(tensor: TensorLike): string {
  const values = Array.from(copy(tensor, (keep) => keep(tensor.cast("float32"))));
  const [rows, columns] = tensor.shape.length === 1 ? [1, tensor.shape[0]] : tensor.shape;
  const cells = (r: number) =>
    Array.from(
      { length: columns },
      (_, c) => `<td>${escapeHtml(formatNumber(values[r * columns + c]))}</td>`,
    );
  const header = `<tr><th></th>${Array.from({ length: columns }, (_, c) => `<th>${c}</th>`).join("")}</tr>`;
  const body = Array.from({ length: rows }, (_, r) => `<tr><th>${r}</th>${cells(r).join("")}</tr>`).join("");
  return `<table class="tensorscope-tensor">${header}${body}</table>`;
}

function isImageShaped(shape: number[]): boolean {
  const [h, w, c] = shape.slice(-3);
  return (shape.length === 3 || shape.length === 4) && [1, 3, 4].includes(c) && h >= 8 && w >= 8;
}

function isSmallTable(shape: number[]): boolean {
  if (shape.length === 1) return shape[0] <= TABLE_MAX.length;
  return shape.length === 2 && shape[0] <= TABLE_MAX.rows && shape[1] <= TABLE_MAX.columns;
}

export async function tensorPreview(tensor: TensorLike): Promise<MimeBundle> {
  if (tensor.isDisposed) return { "text/plain": `Tensor (disposed) shape=[${tensor.shape.join(", ")}]` };
  const numeric = tensor.dtype !== "string" && tensor.dtype !== "complex64" && tensor.size > 0;
  const stats = numeric ? statistics(tensor) : undefined;
  const bundle: MimeBundle = { "text/plain": describe(tensor, stats) };
  if (!stats) return bundle;
  if (isImageShaped(tensor.shape)) {
    const { imagePreview } = await import("./tensor-picture");
    bundle["image/png"] = imagePreview(
      tensor,
      stats,
      Math.min(MAX_IMAGES, tensor.shape.length === 4 ? tensor.shape[0] : 1),
    );
  } else if (isSmallTable(tensor.shape)) {
    bundle["text/html"] = table(tensor);
  } else if (tensor.size >= HISTOGRAM_FROM) {
    const { histogramSvg } = await import("./tensor-picture");
    bundle["image/svg+xml"] = histogramSvg(flatSample(tensor), stats, tensor.size);
  }
  return bundle;
}

export { copy, flatSample, formatNumber, type Stats };
