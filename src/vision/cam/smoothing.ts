// Option checks and pytorch-grad-cam's test-time augmentations, shared by the CAM methods.

/** ttach's HorizontalFlip × Multiply([0.9, 1, 1.1]), as pytorch-grad-cam's aug_smooth composes them. */
export function augmentations(): { flip: boolean; factor: number }[] {
  return [false, true].flatMap((flip) => [0.9, 1, 1.1].map((factor) => ({ flip, factor })));
}

/**
 * An option the method does not know is a mistake (a typo, another library's name): say which ones it knows.
 * `tolerated` names are let through unused (options of sibling methods, passed when looping over a family).
 */
export function checkOptionNames(
  options: object,
  known: string[],
  where: string,
  tolerated: string[] = [],
): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `${where} takes an options object, got ${options === null ? "null" : typeof options}`,
    );
  }
  const unknown = Object.keys(options).filter((k) => !known.includes(k) && !tolerated.includes(k));
  if (unknown.length > 0) {
    throw new TypeError(
      `${where}: unknown option${unknown.length > 1 ? "s" : ""} ${unknown.map((k) => `"${k}"`).join(", ")}; ` +
        `known: ${known.join(", ")}`,
    );
  }
}
