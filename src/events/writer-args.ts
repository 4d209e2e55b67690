// The checks every SummaryWriter method runs on its arguments, so that bad input is an error at the call, never
// later in a background flush; and PyTorch's default logdir name.
import { hostname } from "node:os";
import { join } from "node:path";

/** A number, or anything with one element (a rank-0 or size-1 tf.Tensor). */
export type ScalarInput = number | { dataSync(): ArrayLike<number>; size?: number };
export type ValuesInput = ArrayLike<number> | { dataSync(): ArrayLike<number> };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number): string => String(n).padStart(2, "0");

/** PyTorch's default: runs/<Mon><DD>_<HH>-<MM>-<SS>_<host><comment>. */
export function defaultLogdir(comment = "", now = new Date()): string {
  const stamp = `${MONTHS[now.getMonth()]}${pad2(now.getDate())}_${pad2(now.getHours())}-${pad2(now.getMinutes())}-${pad2(now.getSeconds())}`;
  return join("runs", `${stamp}_${hostname()}${comment}`);
}

export function checkTag(tag: unknown, method: string): asserts tag is string {
  if (typeof tag !== "string" || tag === "") {
    throw new TypeError(
      `${method}: tag must be a non-empty string, got ${typeof tag === "string" ? '""' : String(tag)}`,
    );
  }
}

export function checkStep(step: number | undefined, method: string): number {
  if (step === undefined) return 0;
  if (typeof step !== "number" || !Number.isInteger(step)) {
    throw new TypeError(`${method}: step must be an integer, got ${String(step)}`);
  }
  return step;
}

export function wallTimeOf(wallTime: number | undefined, method: string): number {
  if (wallTime === undefined) return Date.now() / 1000;
  // TensorBoard's Rust loader stops reading a file at a NaN wall time, so never write one.
  if (!Number.isFinite(wallTime))
    throw new RangeError(`${method}: wallTime must be finite seconds, got ${wallTime}`);
  return wallTime;
}

export function scalarOf(value: ScalarInput, method: string): number {
  if (typeof value === "number") return value;
  if (value && typeof value.dataSync === "function") {
    const data = value.dataSync();
    if (data.length !== 1)
      throw new RangeError(`${method}: value must have exactly one element, got ${data.length}`);
    return data[0];
  }
  throw new TypeError(`${method}: value must be a number or a one-element tensor, got ${String(value)}`);
}

export function valuesOf(values: ValuesInput | ArrayLike<boolean>, method: string): ArrayLike<number> {
  if (values && typeof (values as { dataSync?: unknown }).dataSync === "function") {
    return (values as { dataSync(): ArrayLike<number> }).dataSync();
  }
  if (values && typeof (values as ArrayLike<number>).length === "number") return values as ArrayLike<number>;
  throw new TypeError(
    `${method}: values must be an array, a typed array or a tf.Tensor, got ${String(values)}`,
  );
}
