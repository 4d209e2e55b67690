// A synthetic, seeded "shapes" dataset with known answers: one coloured shape (circle, square, triangle, cross)
// per image, at a random place and size, on a noisy background. Each image comes with its class and the shape's
// bounding box, so a CAM's localisation can be scored (pointing game) without human labels.
import { tf } from "../backend";
import type { Box } from "../vision/metrics";
import { seededRandom } from "./seeded-random";

export const SHAPE_KINDS = ["circle", "square", "triangle", "cross"] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export interface ShapesOptions {
  /** Number of images. */
  count: number;
  /** Side of the square images in pixels (default 32). */
  size?: number;
  /** Seed of the generator (default 0): the same options give the same images on every machine. */
  seed?: number;
  /** Which shapes, in class-index order (default all four). */
  classes?: readonly ShapeKind[];
  /** Standard deviation of the Gaussian pixel noise (default 0.1). */
  noise?: number;
  /** Side of a shape as a fraction of the image, [min, max] (default [0.25, 0.45]). */
  scale?: [number, number];
}

export interface ShapesDataset {
  /** [count, size, size, 3], values in [0, 1]. */
  images: tf.Tensor4D;
  /** Class index of each image (into `classNames`). */
  labels: number[];
  /** The shape's bounding box in pixels (x1, y1 exclusive). */
  boxes: Box[];
  classNames: ShapeKind[];
  dispose(): void;
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Whether the point (u, v) of the unit box (v downwards) is inside the shape. */
function inside(kind: ShapeKind, u: number, v: number): boolean {
  switch (kind) {
    case "circle":
      return (u - 0.5) ** 2 + (v - 0.5) ** 2 <= 0.25;
    case "square":
      return true;
    case "triangle":
      return Math.abs(u - 0.5) <= v / 2;
    case "cross":
      return Math.abs(u - 0.5) <= 1 / 6 || Math.abs(v - 0.5) <= 1 / 6;
  }
}

function checkOptions(options: ShapesOptions): Required<ShapesOptions> {
  const { count, size = 32, seed = 0, classes = SHAPE_KINDS, noise = 0.1, scale = [0.25, 0.45] } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`count must be a positive integer, got ${count}`);
  if (!Number.isInteger(size) || size < 8) throw new RangeError(`size must be an integer >= 8, got ${size}`);
  const unknown = classes.filter((c) => !SHAPE_KINDS.includes(c));
  if (classes.length < 1 || unknown.length > 0) {
    throw new RangeError(`classes must be some of ${SHAPE_KINDS.join(", ")}; got ${JSON.stringify(classes)}`);
  }
  if (!(scale[0] > 0 && scale[0] <= scale[1] && scale[1] <= 1)) {
    throw new RangeError(`scale must satisfy 0 < min <= max <= 1, got [${scale}]`);
  }
  return { count, size, seed, classes, noise, scale };
}

/** Generates the dataset; the caller owns (and disposes) the image tensor. */
export function shapesDataset(options: ShapesOptions): ShapesDataset {
  const { count, size, seed, classes, noise, scale } = checkOptions(options);
  const random = seededRandom(seed);
  const pixels = new Float32Array(count * size * size * 3);
  const labels: number[] = [];
  const boxes: Box[] = [];
  for (let n = 0; n < count; n++) {
    const label = Math.floor(random() * classes.length);
    const side = Math.max(4, Math.round(size * (scale[0] + random() * (scale[1] - scale[0]))));
    const x0 = Math.floor(random() * (size - side + 1));
    const y0 = Math.floor(random() * (size - side + 1));
    // Dark background, bright shape, random hues: colour says where, never which class.
    const background = [0, 1, 2].map(() => 0.1 + 0.3 * random());
    const foreground = [0, 1, 2].map(() => 0.55 + 0.45 * random());
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const u = (x - x0 + 0.5) / side;
        const v = (y - y0 + 0.5) / side;
        const onShape = u >= 0 && u <= 1 && v >= 0 && v <= 1 && inside(classes[label], u, v);
        const colour = onShape ? foreground : background;
        const offset = ((n * size + y) * size + x) * 3;
        for (let c = 0; c < 3; c++) {
          pixels[offset + c] = Math.min(1, Math.max(0, colour[c] + noise * gaussian(random)));
        }
      }
    }
    labels.push(label);
    boxes.push({ x0, y0, x1: x0 + side, y1: y0 + side });
  }
  const images = tf.tensor4d(pixels, [count, size, size, 3]);
  return { images, labels, boxes, classNames: [...classes], dispose: () => images.dispose() };
}
