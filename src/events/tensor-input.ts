// Arrays with a shape from what users pass (tf.Tensor, { data, shape }, nested arrays), checked at the call.
import type { ImageInput } from "./image-input";

export type NestedNumbers = number | NestedNumbers[];
export type ArrayInput = ImageInput | NestedNumbers[];

export interface Shaped {
  shape: number[];
  values: ArrayLike<number>;
  /** tfjs's dtype when the input was a tensor ("float32", "int32", "bool"), else undefined. */
  dtype?: string;
}

function flatten(nested: NestedNumbers[], method: string, what: string): Shaped {
  const shape: number[] = [];
  for (let level: NestedNumbers = nested; Array.isArray(level); level = level[0]) shape.push(level.length);
  const values: number[] = [];
  const walk = (x: NestedNumbers, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x !== "number") throw new TypeError(`${method}: ${what} must hold numbers, got ${typeof x}`);
      values.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth])
      throw new RangeError(
        `${method}: ${what} is a ragged array (expected length ${shape[depth]} at depth ${depth})`,
      );
    for (const item of x) walk(item, depth + 1);
  };
  walk(nested, 0);
  return { shape, values };
}

/** Shape and values of `input`; throws naming `method` and `what` when it is none of the accepted kinds. */
export function shapedOf(input: ArrayInput, method: string, what: string): Shaped {
  if (Array.isArray(input)) return flatten(input, method, what);
  if (input && typeof input === "object" && Array.isArray(input.shape)) {
    if ("dataSync" in input && typeof input.dataSync === "function")
      return { shape: input.shape, values: input.dataSync(), dtype: input.dtype };
    if ("data" in input) {
      const size = input.shape.reduce((a, b) => a * b, 1);
      if (input.data?.length !== size)
        throw new RangeError(
          `${method}: ${what} of shape [${input.shape}] needs ${size} values, got ${input.data?.length}`,
        );
      return { shape: input.shape, values: input.data };
    }
  }
  throw new TypeError(
    `${method}: ${what} must be a tf.Tensor, { data, shape } or a nested array, got ${String(input)}`,
  );
}
