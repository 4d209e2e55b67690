// What the views accept as data: a logdir path, a loaded Logdir, one RunData or a list of them.
import { Logdir, loadLogdir, type RunData } from "../events/logdir";

export type RunsSource = string | Logdir | RunData | RunData[];

export function runsOf(source: RunsSource, what: string): RunData[] {
  if (typeof source === "string") return [...loadLogdir(source).runs.values()];
  if (source instanceof Logdir) return [...source.runs.values()];
  if (Array.isArray(source)) return source;
  if (source && typeof source === "object" && source.scalars instanceof Map) return [source];
  throw new TypeError(`${what} expects a logdir path, a loadLogdir() result or runs, got ${String(source)}`);
}

/** The one run holding `tag` (the named one, else the first that has it), with a clear error otherwise. */
export function runWithTag<T>(
  runs: RunData[],
  tag: string,
  pick: (run: RunData) => Map<string, T>,
  what: string,
  runName?: string,
): RunData {
  if (typeof tag !== "string") throw new TypeError(`${what}: tag must be a string, got ${String(tag)}`);
  const candidates = runName === undefined ? runs : runs.filter((r) => r.name === runName);
  const run = candidates.find((r) => pick(r).has(tag));
  if (!run) {
    const tags = [...new Set(runs.flatMap((r) => [...pick(r).keys()]))];
    throw new RangeError(
      `${what}: no tag "${tag}"${runName ? ` in run "${runName}"` : ""}; available: ${tags.join(", ") || "none"}`,
    );
  }
  return run;
}
