// loadLogdir: every run (folder holding event files) under a logdir with all of its scalars, histograms, images
// and texts, nothing sampled away. reload() tails every file from where the last read stopped and picks up
// new files and runs.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { RunData, RunKind } from "./run-data";
import { bytesOf, RunReader, type ReadOptions } from "./run-reader";
import { loadRunsInParallel, workersFor, type RunJob } from "./parallel-load";
import { requireFolder } from "./path-check";
import { readLocalEmbeddings } from "./projector-read";
import { scalarArrow, scalarCsv, scalarJson, scalarRows, type ScalarRow } from "./export";
import type { Table } from "apache-arrow";

export type { RunData, ScalarSeries, StepPoint } from "./run-data";

export const isEventFile = (name: string): boolean => name.includes("tfevents");

/** Folders under `root` (itself included) that directly hold event files, with their event files sorted by name. */
export function findRuns(root: string): Map<string, string[]> {
  const runs = new Map<string, string[]>();
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const files: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(path));
      if (isDir && depth < 64) walk(path, depth + 1);
      else if (isEventFile(entry.name)) files.push(path);
    }
    if (files.length) runs.set(relative(root, dir) || ".", files.sort());
  };
  walk(root, 0);
  return runs;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export interface LoadOptions extends ReadOptions {
  /** Runs to load: exact names (relative paths, "." for the logdir itself), or a pattern. Default: all. */
  runs?: string[] | RegExp;
  /**
   * Worker threads that help read new runs: by default one per spare core (at most 3), used only when the new
   * runs hold at least PARALLEL_MIN_BYTES, below which starting a worker costs more than it saves. 0 reads
   * everything on the calling thread.
   */
  workers?: number;
}

/** ~16 MB take ~0.2 s to read on one thread here; a worker thread takes ~75 ms to start. */
export const PARALLEL_MIN_BYTES = 16 << 20;

export class Logdir {
  readonly runs = new Map<string, RunData>();
  private readonly readers = new Map<string, RunReader>();

  constructor(
    readonly dir: string,
    protected readonly options: LoadOptions = {},
  ) {}

  /** reload() for code that handles local and remote logdirs alike (remote ones only reload this way). */
  async reloadAsync(): Promise<this> {
    return this.reload();
  }

  /** Reads everything appended since the last call, including new files and runs. */
  reload(): this {
    const newRuns: RunJob[] = [];
    const { runs: _runs, workers: _workers, ...readOptions } = this.options;
    for (const [name, files] of findRuns(this.dir)) {
      if (!this.wantsRun(name)) continue;
      const reader = this.readers.get(name);
      if (reader) reader.read(files);
      else newRuns.push({ name, files, options: readOptions });
    }
    for (const reader of this.loadNewRuns(newRuns)) {
      this.readers.set(reader.data.name, reader);
      this.runs.set(reader.data.name, reader.data);
    }
    // projector_config.pbtxt is rewritten whole by its writer: read it again on every reload.
    if (!this.options.kinds || this.options.kinds.includes("embeddings"))
      for (const run of this.runs.values()) run.embeddings = readLocalEmbeddings(join(this.dir, run.name));
    return this;
  }

  protected wantsRun(name: string): boolean {
    const { runs } = this.options;
    if (runs === undefined) return true;
    return Array.isArray(runs) ? runs.includes(name) : runs.test(name);
  }

  private loadNewRuns(jobs: RunJob[]): RunReader[] {
    const workers = workersFor(jobs.length, this.options.workers);
    // Files are sized only when workers could be used: a reload on one core or of one run stats nothing extra.
    const worthIt = () =>
      this.options.workers !== undefined || bytesOf(jobs.flatMap((job) => job.files)) >= PARALLEL_MIN_BYTES;
    if (workers > 0 && worthIt()) return loadRunsInParallel(jobs, workers);
    return jobs.map((job) => RunReader.load(job.name, job.files, job.options));
  }

  /** Every scalar point: { run, tag, step, wallTime, value }, runs and tags in load order, points in file order. */
  toRows(): ScalarRow[] {
    return scalarRows(this.runs.values());
  }

  /** Every scalar point as CSV (header run,tag,step,wall_time,value), not sampled. */
  toCsv(): string {
    return scalarCsv(this.runs.values());
  }

  /** Every scalar point as a JSON array of rows (non-finite numbers as "NaN", "Infinity", "-Infinity"). */
  toJson(): string {
    return scalarJson(this.runs.values());
  }

  /** Every scalar point as an Apache Arrow table (write it with tableToIPC for pandas, polars, pyarrow...). */
  toArrow(): Table {
    return scalarArrow(this.runs.values());
  }

  run(name: string): RunData {
    const run = this.runs.get(name);
    if (!run)
      throw new RangeError(
        `no run "${name}" in ${this.dir}; runs: ${[...this.runs.keys()].join(", ") || "none"}`,
      );
    return run;
  }
}

/** Loads every run under `dir`. Call `.reload()` on the result to pick up what was written since. */
export function loadLogdir(dir: string, options: LoadOptions = {}): Logdir {
  if (typeof dir !== "string") throw new TypeError(`loadLogdir expects a directory path, got ${String(dir)}`);
  requireFolder(dir, "loadLogdir");
  checkLoadOptions(options);
  return new Logdir(dir, options).reload();
}

const KINDS: RunKind[] = [
  "scalars",
  "histograms",
  "images",
  "texts",
  "prCurves",
  "audio",
  "meshes",
  "customScalars",
  "tensors",
  "embeddings",
  "graphs",
  "hparams",
];

function checkNames(value: unknown, option: string): void {
  if (value === undefined || value instanceof RegExp) return;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string"))
    throw new TypeError(`loadLogdir: ${option} must be an array of names or a RegExp, got ${String(value)}`);
}

export function checkLoadOptions(options: LoadOptions): void {
  const { workers, kinds, purge } = options;
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0))
    throw new RangeError(`loadLogdir: workers must be a whole number >= 0, got ${String(workers)}`);
  checkNames(options.runs, "runs");
  checkNames(options.tags, "tags");
  const unknown = kinds?.filter((k) => !KINDS.includes(k));
  if (kinds !== undefined && (!Array.isArray(kinds) || unknown?.length))
    throw new RangeError(
      `loadLogdir: unknown kinds ${JSON.stringify(unknown ?? kinds)}; known: ${KINDS.join(", ")}`,
    );
  if (purge !== undefined && !["resume", "tensorboard", "none"].includes(purge))
    throw new RangeError(
      `loadLogdir: purge must be "resume", "tensorboard" or "none", got ${JSON.stringify(purge)}`,
    );
}
