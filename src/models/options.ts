// Validation shared by the model builders: a wrong shape or class count fails at the builder call, not deep
// inside tfjs-layers.

export interface ImageModelOptions {
  /** One image's shape, NHWC without the batch: [height, width, channels]. */
  inputShape?: number[];
  /** Units of the final dense layer. */
  classes?: number;
  /**
   * "random" (default): torchvision-like random initial weights. "zeros": all-zero weights, much faster for
   * large models (VGG-11 builds in well under a second instead of ~9 s) when only the structure matters.
   */
  init?: "random" | "zeros";
}

/** The kernel initialiser for a builder's init option (biases and BN weights keep their usual constants). */
export function kernelInit<T extends "glorotUniform" | "heNormal">(
  builder: string,
  init: ImageModelOptions["init"],
  random: T,
): T | "zeros" {
  if (init === undefined || init === "random") return random;
  if (init === "zeros") return "zeros";
  throw new Error(`models.${builder}: init must be "random" or "zeros", got ${JSON.stringify(init)}`);
}

export function checkInputShape(builder: string, shape: number[], minSide: number): [number, number, number] {
  const valid =
    Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0);
  if (!valid) {
    throw new Error(
      `models.${builder}: inputShape must be [height, width, channels] with positive integers, ` +
        `got ${JSON.stringify(shape)}`,
    );
  }
  if (shape[0] < minSide || shape[1] < minSide) {
    throw new Error(
      `models.${builder}: inputShape ${JSON.stringify(shape)} is too small; height and width must be ` +
        `at least ${minSide}`,
    );
  }
  return shape as [number, number, number];
}

export function checkClasses(builder: string, classes: number): number {
  if (!Number.isInteger(classes) || classes < 1) {
    throw new Error(`models.${builder}: classes must be a positive integer, got ${JSON.stringify(classes)}`);
  }
  return classes;
}
