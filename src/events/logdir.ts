// loadLogdir: every run (folder holding event files) under a logdir with all of its scalars, histograms, images
// and texts, nothing sampled away. reload() tails every file from where the last read stopped and picks up
// new files and runs.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { EventFileTail, countForeign, emptyReadStats, type ReadStats } from "./reader";
import type { EventRecord, HparamsData, ImageData, SummaryItem } from "./decode";
import type { Histogram } from "./histogram";

/** Columnar scalar series: parallel arrays in file order. */
export interface ScalarSeries {
  steps: number[];
  wallTimes: number[];
  values: number[];
}
export interface StepPoint<T> {
  step: number;
  wallTime: number;
  value: T;
}

export interface RunData {
  /** Path relative to the logdir ("." for the logdir itself). */
  name: string;
  files: string[];
  scalars: Map<string, ScalarSeries>;
  histograms: Map<string, StepPoint<Histogram>[]>;
  images: Map<string, StepPoint<ImageData[]>[]>;
  texts: Map<string, StepPoint<string>[]>;
  /** Serialized GraphDefs, newest last. */
  graphs: Buffer[];
  hparams: HparamsData[];
  stats: ReadStats;
}

function emptyRun(name: string): RunData {
  return {
    name,
    files: [],
    scalars: new Map(),
    histograms: new Map(),
    images: new Map(),
    texts: new Map(),
    graphs: [],
    hparams: [],
    stats: emptyReadStats(),
  };
}

function pushPoint<T>(map: Map<string, StepPoint<T>[]>, tag: string, point: StepPoint<T>): void {
  let list = map.get(tag);
  if (!list) map.set(tag, (list = []));
  list.push(point);
}

function addItem(run: RunData, item: SummaryItem, step: number, wallTime: number): void {
  switch (item.type) {
    case "scalar": {
      let series = run.scalars.get(item.tag);
      if (!series) run.scalars.set(item.tag, (series = { steps: [], wallTimes: [], values: [] }));
      series.steps.push(step);
      series.wallTimes.push(wallTime);
      series.values.push(item.value);
      return;
    }
    case "histogram":
      return pushPoint(run.histograms, item.tag, { step, wallTime, value: item.histogram });
    case "image":
      return pushPoint(run.images, item.tag, { step, wallTime, value: item.images });
    case "text":
      return pushPoint(run.texts, item.tag, { step, wallTime, value: item.text });
    case "hparams":
      run.hparams.push(item.hparams);
      return;
    case "foreign":
      return countForeign(run.stats, item.kind);
  }
}

function addRecords(run: RunData, records: EventRecord[]): void {
  for (const record of records) {
    if (record.kind === "summary") {
      for (const item of record.items) addItem(run, item, record.step, record.wallTime);
    } else if (record.kind === "graph") {
      run.graphs.push(record.graphDef);
    } else if (record.kind === "foreign") {
      countForeign(run.stats, record.what);
    }
  }
}

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

  constructor(readonly dir: string) {}

  /** Reads everything appended since the last call, including new files and runs. */
  reload(): this {
    for (const [name, files] of findRuns(this.dir)) {
      let run = this.runs.get(name);
      if (!run) this.runs.set(name, (run = emptyRun(name)));
      for (const file of files) {
        let tail = this.tails.get(file);
        if (!tail) {
          tail = new EventFileTail(file, run.stats);
          this.tails.set(file, tail);
          run.files.push(file);
        }
        const target = run;
        tail.read((records) => addRecords(target, records));
      }
    }
    return this;
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
