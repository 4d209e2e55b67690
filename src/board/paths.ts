// The board's one path from the user: the logdir, checked at the call with its absolute path in the error.
import { statSync } from "node:fs";
import { resolve } from "node:path";

export function checkedLogdir(logdir: unknown): string {
  if (typeof logdir !== "string" || logdir === "")
    throw new TypeError(`board: expected a logdir path, got ${String(logdir)}`);
  const absolute = resolve(logdir);
  let stat;
  try {
    stat = statSync(absolute);
  } catch {
    throw new RangeError(`board: the logdir ${absolute} does not exist`);
  }
  if (!stat.isDirectory()) throw new RangeError(`board: the logdir ${absolute} is not a folder`);
  return absolute;
}
