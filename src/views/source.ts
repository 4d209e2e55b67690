// What the views accept as data (a logdir path, a loaded Logdir, one RunData or a list of them), and the one way
// every view picks its runs and tags: an unknown run or tag is an error listing what exists.
import { Logdir, loadLogdir, type RunData } from "../events/logdir";

export type RunsSource = string | Logdir | RunData | RunData[];

/** Names or a pattern. */
export type NameFilter = string[] | RegExp;

export function runsOf(source: RunsSource, what: string): RunData[] {
  if (typeof source === "string") return [...loadLogdir(source).runs.values()];
  if (source instanceof Logdir) return [...source.runs.values()];
  if (Array.isArray(source)) return source;
  if (source && typeof source === "object" && source.scalars instanceof Map) return [source];
  throw new TypeError(`${what} expects a logdir path, a loadLogdir() result or runs, got ${String(source)}`);
}

const listed = (names: string[]): string =>
  names.length ? names.map((n) => JSON.stringify(n)).join(", ") : "none";

/** The names a filter selects; a listed name that does not exist, or a pattern matching nothing, is an error. */
export function selectNames(
  available: string[],
  filter: NameFilter | undefined,
  what: string,
  kind: "run" | "tag",
): string[] {
  if (filter === undefined) return available;
  if (filter instanceof RegExp) {
    const chosen = available.filter((name) => filter.test(name));
    if (chosen.length === 0)
      throw new RangeError(`${what}: no ${kind} matches ${String(filter)}; available: ${listed(available)}`);
    return chosen;
  }
  if (!Array.isArray(filter) || filter.some((name) => typeof name !== "string"))
    throw new TypeError(`${what}: ${kind}s must be a list of names or a RegExp, got ${String(filter)}`);
  const missing = filter.filter((name) => !available.includes(name));
  if (missing.length)
    throw new RangeError(`${what}: no ${kind} ${listed(missing)}; available: ${listed(available)}`);
  return available.filter((name) => filter.includes(name));
}

/** The runs named by `runs` (all when undefined), or an error listing the runs that exist. */
export function selectRuns(runs: RunData[], filter: NameFilter | undefined, what: string): RunData[] {
  const names = selectNames(
    runs.map((r) => r.name),
    filter,
    what,
    "run",
  );
  return runs.filter((r) => names.includes(r.name));
}

/**
 * Every chosen run holding `tag` (several runs are all shown, as TensorBoard does), with an error listing the
 * tags that exist when none has it.
 */
export function runsWithTag<T>(
  runs: RunData[],
  tag: string,
  pick: (run: RunData) => Map<string, T>,
  what: string,
  filter?: NameFilter,
): RunData[] {
  if (typeof tag !== "string") throw new TypeError(`${what}: tag must be a string, got ${String(tag)}`);
  const chosen = selectRuns(runs, filter, what);
  const holding = chosen.filter((r) => pick(r).has(tag));
  if (holding.length === 0) {
    const tags = [...new Set(chosen.flatMap((r) => [...pick(r).keys()]))];
    const where = filter === undefined ? "" : ` in run(s) ${listed(chosen.map((r) => r.name))}`;
    throw new RangeError(`${what}: no tag ${JSON.stringify(tag)}${where}; available: ${listed(tags)}`);
  }
  return holding;
}

/** The one run holding `tag` (the named one, else the first that has it), with a clear error otherwise. */
export function runWithTag<T>(
  runs: RunData[],
  tag: string,
  pick: (run: RunData) => Map<string, T>,
  what: string,
  runName?: string,
): RunData {
  return runsWithTag(runs, tag, pick, what, runName === undefined ? undefined : [runName])[0];
}

/** `run` (one name) and `runs` (names or a pattern) as one filter. */
export function runFilter(
  options: { run?: string; runs?: NameFilter },
  what: string,
): NameFilter | undefined {
  if (options.run !== undefined && options.runs !== undefined)
    throw new TypeError(`${what}: give either run or runs, not both`);
  if (options.run !== undefined) {
    if (typeof options.run !== "string")
      throw new TypeError(`${what}: run must be a string, got ${String(options.run)}`);
    return [options.run];
  }
  return options.runs;
}
