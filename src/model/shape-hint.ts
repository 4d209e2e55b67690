// Why a shape does not fit a model's input, in words that point at the likely mistake: channels-first (NCHW)
// data for a channels-last (NHWC) model, a missing batch or channel axis, or simply another size. Every input
// check (summary's inputSize, the vision functions' tensors) appends this hint, so that they agree.

/** A model input's declared shape, batch axis first; null is a free dimension. */
export type DeclaredShape = readonly (number | null)[];

function fits(given: readonly number[], declared: DeclaredShape): boolean {
  return given.length === declared.length && declared.every((d, i) => d === null || d === given[i]);
}

function show(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => d ?? "null").join(", ")}]`;
}

/** Moves axis `from` to position `to`. */
function moveAxis<T>(shape: readonly T[], from: number, to: number): T[] {
  const rest = shape.filter((_, i) => i !== from);
  return [...rest.slice(0, to), shape[from], ...rest.slice(to)];
}

/** The permutation that turns channels-first data of this rank into channels-last. */
function toChannelsLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/**
 * One sentence on what is wrong with `given` for an input declared as `declared` (batch axis included), or "" when
 * nothing specific can be said. `kind` says whether the caller passes a shape (summary's inputSize) or a tensor.
 */
export function shapeHint(
  given: readonly number[],
  declared: DeclaredShape,
  kind: "shape" | "tensor" = "tensor",
): string {
  const rank = declared.length;
  const channels = declared[rank - 1];
  // Image inputs only (rank 4 and up): a rank-3 input is a sequence, not channels.
  // Channels-first with the batch axis: [B, C, H, W] for [B, H, W, C].
  if (
    rank >= 3 &&
    given.length === rank &&
    channels !== null &&
    given[1] === channels &&
    given[rank - 1] !== channels
  ) {
    const channelsLast = moveAxis(given, 1, rank - 1);
    if (fits(channelsLast, declared)) {
      const perm = toChannelsLast(rank);
      return kind === "tensor"
        ? `this looks like channels-first (NCHW) data, and TensorFlow.js models take channels-last (NHWC): ` +
            `use tf.transpose(x, [${perm.join(", ")}]) to get ${show(channelsLast)}`
        : `this looks like a channels-first (NCHW) shape; TensorFlow.js models take channels-last (NHWC): ` +
            `${show(channelsLast)}`;
    }
  }
  // One sample in channels-first order without the batch axis: [C, H, W] for [B, H, W, C]. With one channel,
  // [1, H, W] reads as well as a batch without its channel axis, which a hint below names.
  if (
    rank >= 4 &&
    given.length === rank - 1 &&
    channels !== null &&
    channels !== 1 &&
    given[0] === channels &&
    given.at(-1) !== channels
  ) {
    const withBatch = [1, ...moveAxis(given, 0, rank - 2)];
    if (fits(withBatch, declared)) {
      const perm = [...Array.from({ length: rank - 2 }, (_, i) => i + 1), 0];
      return kind === "tensor"
        ? `this looks like one channels-first (CHW) sample, and TensorFlow.js models take channels-last (HWC): ` +
            `use tf.transpose(x, [${perm.join(", ")}])`
        : `this looks like one channels-first sample without the batch dimension; the model takes ` +
            `${show(withBatch)}`;
    }
  }
  if (given.length === rank - 1 && fits([1, ...given], declared)) {
    return kind === "tensor"
      ? `the batch dimension is missing: use x.expandDims(0) to get ${show([1, ...given])}`
      : `the batch dimension is missing: use ${show([1, ...given])}`;
  }
  if (given.length === rank - 1 && channels === 1 && fits([...given, 1], declared)) {
    return kind === "tensor"
      ? `the channel dimension is missing: use x.expandDims(-1) to get ${show([...given, 1])}`
      : `the channel dimension is missing: use ${show([...given, 1])}`;
  }
  if (given.length === rank - 2 && channels === 1 && fits([1, ...given, 1], declared)) {
    return kind === "tensor"
      ? `the batch and channel dimensions are missing: use x.reshape(${show([1, ...given, 1])})`
      : `the batch and channel dimensions are missing: use ${show([1, ...given, 1])}`;
  }
  if (given.length === rank) {
    const wrong = declared
      .map((d, i) => ({ d, i }))
      .filter(({ d, i }) => i > 0 && d !== null && d !== given[i])
      .map(({ d, i }) => `axis ${i} is ${given[i]}, the model takes ${d}`);
    if (wrong.length > 0) {
      const resize = rank === 4 && declared[1] !== null && declared[2] !== null && given[3] === channels;
      return (
        `${wrong.join("; ")}` +
        (resize && kind === "tensor"
          ? ` (resize images with tf.image.resizeBilinear(x, [${declared[1]}, ${declared[2]}]))`
          : "")
      );
    }
  }
  return "";
}

/** `message` followed by the hint for `given`, if there is one. */
export function withShapeHint(
  message: string,
  given: readonly number[],
  declared: DeclaredShape,
  kind: "shape" | "tensor" = "tensor",
): string {
  const hint = shapeHint(given, declared, kind);
  return hint ? `${message}: ${hint}` : message;
}
