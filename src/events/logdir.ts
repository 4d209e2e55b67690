// loadLogdir: every run (folder holding event files) under a logdir with all of its scalars, histograms, images
// and texts, nothing sampled away. reload() tails every file from where the last read stopped and picks up
// new files and runs.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { EventFileTail } from "./reader";
import { SummaryDecoder } from "./decode";
import { emptyRun, sinkFor, type RunData } from "./run-data";

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

export class Logdir {
  readonly runs = new Map<string, RunData>();
  private readonly tails = new Map<string, EventFileTail>();
  private readonly decoders = new Map<string, SummaryDecoder>();

  constructor(readonly dir: string) {}

  /** Reads everything appended since the last call, including new files and runs. */
  reload(): this {
    const found = findRuns(this.dir);
    for (const [name, files] of found) this.readRun(name, files);
    return this;
  }

  /** Reads one run's files from where each stopped. */
  private readRun(name: string, files: string[]): void {
    let run = this.runs.get(name);
    if (!run) this.runs.set(name, (run = emptyRun(name)));
    let decoder = this.decoders.get(name);
    if (!decoder) this.decoders.set(name, (decoder = new SummaryDecoder()));
    for (const file of files) {
      let tail = this.tails.get(file);
      if (!tail) {
        tail = new EventFileTail(file, run.stats, decoder);
        this.tails.set(file, tail);
        run.files.push(file);
      }
      tail.read(sinkFor(run));
    }
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
export function loadLogdir(dir: string): Logdir {
  if (typeof dir !== "string") throw new TypeError(`loadLogdir expects a directory path, got ${String(dir)}`);
  if (!isDirectory(dir)) throw new Error(`loadLogdir: ${JSON.stringify(dir)} is not a directory`);
  return new Logdir(dir).reload();
}
