// What a run holds once loaded, and how records are added to it.
import { countForeign, emptyReadStats, type ReadStats, type RecordSink } from "./reader";
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

export function emptyRun(name: string): RunData {
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

function addScalar(run: RunData, tag: string, step: number, wallTime: number, value: number): void {
  let series = run.scalars.get(tag);
  if (!series) run.scalars.set(tag, (series = { steps: [], wallTimes: [], values: [] }));
  series.steps.push(step);
  series.wallTimes.push(wallTime);
  series.values.push(value);
}

function addItem(run: RunData, item: SummaryItem, step: number, wallTime: number): void {
  switch (item.type) {
    case "scalar":
      return addScalar(run, item.tag, step, wallTime, item.value);
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

function addRecord(run: RunData, record: EventRecord): void {
  if (record.kind === "summary") {
    for (const item of record.items) addItem(run, item, record.step, record.wallTime);
  } else if (record.kind === "graph") {
    run.graphs.push(record.graphDef);
  } else if (record.kind === "foreign") {
    countForeign(run.stats, record.what);
  }
}

export function sinkFor(run: RunData): RecordSink {
  return {
    scalar: (tag, step, wallTime, value) => addScalar(run, tag, step, wallTime, value),
    record: (record) => addRecord(run, record),
  };
}
