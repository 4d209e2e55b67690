// What a run holds once loaded, and how records are added to it.
import { countForeign, emptyReadStats, type ReadStats, type RecordSink } from "./reader";
import type { EventRecord, HparamsData, ImageData, SummaryItem } from "./decode";
import type { MeshPart } from "./decode-kinds";
import { KIND_OF_ITEM, wanted, type RunFilter } from "./run-filter";
import {
  beforeSummary,
  initialPurgeState,
  onSessionStart,
  parseFileVersion,
  purgePoints,
  type PurgeState,
} from "./purge";
import type { AudioClip, CustomScalarsLayout, EmbeddingData, MeshData, TensorValue } from "./kinds";
import type { Histogram } from "./histogram";
import type { PrCurve } from "./pr-curve";

/** Columnar scalar series: parallel arrays of `length` points, in file order. */
export interface ScalarSeries {
  readonly length: number;
  readonly steps: Float64Array;
  readonly wallTimes: Float64Array;
  readonly values: Float64Array;
}

type Column = Float64Array<ArrayBuffer>;

/**
 * A ScalarSeries that grows: each column doubles its capacity when full, and the public arrays are views of
 * the filled part (taken at each access, so they include points added since). Typed columns rather than
 * number[]: no reallocation per few points, 8 bytes per number, and a worker thread can hand them over
 * without copying.
 */
export class ScalarColumns implements ScalarSeries {
  constructor(
    private stepColumn = new Float64Array(256),
    private wallTimeColumn = new Float64Array(256),
    private valueColumn = new Float64Array(256),
    public length = 0,
  ) {}

  get steps(): Column {
    return this.stepColumn.subarray(0, this.length);
  }
  get wallTimes(): Column {
    return this.wallTimeColumn.subarray(0, this.length);
  }
  get values(): Column {
    return this.valueColumn.subarray(0, this.length);
  }

  push(step: number, wallTime: number, value: number): void {
    if (this.length === this.valueColumn.length) this.grow();
    this.stepColumn[this.length] = step;
    this.wallTimeColumn[this.length] = wallTime;
    this.valueColumn[this.length++] = value;
  }

  /** The columns at full capacity (only the first `length` entries are points), e.g. to transfer them. */
  columns(): [steps: Column, wallTimes: Column, values: Column] {
    return [this.stepColumn, this.wallTimeColumn, this.valueColumn];
  }

  /**
   * Drops the spare capacity (up to half of each column after doubling), so that a run loaded in full holds
   * 24 bytes per point. Costs one copy; a run being tailed is not trimmed, as it would be copied on each read.
   */
  trim(): void {
    if (this.valueColumn.length === this.length) return;
    this.stepColumn = this.stepColumn.slice(0, this.length);
    this.wallTimeColumn = this.wallTimeColumn.slice(0, this.length);
    this.valueColumn = this.valueColumn.slice(0, this.length);
  }

  /** Removes the points at step >= `step` (keeping the others in order); returns how many were removed. */
  removeFrom(step: number): number {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.stepColumn[i] >= step) continue;
      this.stepColumn[kept] = this.stepColumn[i];
      this.wallTimeColumn[kept] = this.wallTimeColumn[i];
      this.valueColumn[kept++] = this.valueColumn[i];
    }
    const removed = this.length - kept;
    this.length = kept;
    return removed;
  }

  private grow(): void {
    const bigger = (column: Column): Column => {
      const next = new Float64Array(Math.max(256, column.length * 2));
      next.set(column);
      return next;
    };
    this.stepColumn = bigger(this.stepColumn);
    this.wallTimeColumn = bigger(this.wallTimeColumn);
    this.valueColumn = bigger(this.valueColumn);
  }
}
export type { RunFilter, RunKind } from "./run-filter";

export interface StepPoint<T> {
  step: number;
  wallTime: number;
  value: T;
}

export interface RunData {
  /** Path relative to the logdir ("." for the logdir itself). */
  name: string;
  files: string[];
  scalars: Map<string, ScalarColumns>;
  histograms: Map<string, StepPoint<Histogram>[]>;
  images: Map<string, StepPoint<ImageData[]>[]>;
  texts: Map<string, StepPoint<string>[]>;
  prCurves: Map<string, StepPoint<PrCurve>[]>;
  /** Audio clips by tag (a step may hold several clips). */
  audio: Map<string, StepPoint<AudioClip[]>[]>;
  /** Meshes by name (the tag given to addMesh / add_mesh, without the _VERTEX/_FACE/_COLOR suffix). */
  meshes: Map<string, StepPoint<MeshData>[]>;
  /** The custom-scalars layout last written to this run, if any. */
  customScalars: CustomScalarsLayout | undefined;
  /** Tensors logged with addTensor / add_tensor (plugin "tensor") or with no plugin. */
  tensors: Map<string, StepPoint<TensorValue>[]>;
  /** The embeddings listed in projector_config.pbtxt in the run's folder. */
  embeddings: EmbeddingData[];
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
    prCurves: new Map(),
    audio: new Map(),
    meshes: new Map(),
    customScalars: undefined,
    tensors: new Map(),
    embeddings: [],
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
  if (!series) run.scalars.set(tag, (series = new ScalarColumns()));
  series.push(step, wallTime, value);
}

/**
 * The mesh plugin stores a mesh as up to three values (vertices, faces, colours) of one event: a part joins the
 * mesh of the same name at the same step unless that mesh already has it.
 */
function addMeshPart(run: RunData, part: MeshPart, step: number, wallTime: number): void {
  let points = run.meshes.get(part.name);
  if (!points) run.meshes.set(part.name, (points = []));
  let last = points.at(-1);
  const has = (mesh: MeshData): boolean =>
    part.part === "vertices" ? mesh.vertexCount > 0 : mesh[part.part] !== undefined;
  if (!last || last.step !== step || has(last.value)) {
    last = {
      step,
      wallTime,
      value: { vertices: new Float32Array(0), vertexCount: 0, faceCount: 0, config: {} },
    };
    points.push(last);
  }
  const mesh = last.value;
  if (part.part === "vertices") {
    mesh.vertices = Float32Array.from(part.values);
    mesh.vertexCount = part.values.length / 3;
  } else if (part.part === "faces") {
    mesh.faces = Int32Array.from(part.values);
    mesh.faceCount = part.values.length / 3;
  } else {
    mesh.colors = Uint8Array.from(part.values);
  }
  if (Object.keys(part.config).length) mesh.config = part.config;
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
    case "prCurve":
      return pushPoint(run.prCurves, item.tag, { step, wallTime, value: item.curve });
    case "hparams":
      run.hparams.push(item.hparams);
      return;
    case "audio":
      return pushPoint(run.audio, item.tag, { step, wallTime, value: item.clips });
    case "meshPart":
      return addMeshPart(run, item.mesh, step, wallTime);
    case "customScalars":
      run.customScalars = item.layout;
      return;
    case "tensor":
      return pushPoint(run.tensors, item.tag, { step, wallTime, value: item.tensor });
    case "corrupt":
      run.stats.corrupt[item.kind] = (run.stats.corrupt[item.kind] ?? 0) + 1;
      return;
    case "foreign":
      return countForeign(run.stats, item.kind);
    default: {
      // A kind added to SummaryItem but not stored here would be dropped without a word: make it a type error.
      const unhandled: never = item;
      throw new Error(`no storage for summary item ${JSON.stringify(unhandled)}`);
    }
  }
}

function addRecord(run: RunData, record: EventRecord, state: PurgeState, filter: RunFilter): void {
  switch (record.kind) {
    case "summary":
      beforeSummary(
        state,
        run,
        record.step,
        record.items.map((item) => item.tag),
      );
      for (const item of record.items) {
        const kind = KIND_OF_ITEM[item.type];
        const tag = item.type === "meshPart" ? item.mesh.name : item.tag;
        if (kind === undefined || wanted(filter, kind, tag)) addItem(run, item, record.step, record.wallTime);
      }
      return;
    case "graph":
      if (wanted(filter, "graphs", "")) run.graphs.push(record.graphDef);
      return;
    case "file_version":
      state.fileVersion = parseFileVersion(record.version);
      return;
    case "session_log":
      if (record.status === SESSION_START) onSessionStart(state, run, record.step);
      else countForeign(run.stats, "session_log");
      return;
    case "foreign":
      countForeign(run.stats, record.what);
  }
}

const SESSION_START = 1;

/**
 * Where a run's records go. `state` carries the restart-purging state across reloads (and worker threads);
 * `filter` leaves out the kinds and tags not asked for.
 */
export function sinkFor(run: RunData, state = initialPurgeState(), filter: RunFilter = {}): RecordSink {
  const scalarsWanted = !filter.kinds || filter.kinds.has("scalars");
  const tagWanted = filter.tag;
  return {
    scalars: (step, wallTime, count, tags, values) => {
      if (state.mode !== "none" && state.fileVersion < 2 && step < state.mostRecentStep)
        purgePoints(run, step, tags.slice(0, count));
      state.mostRecentStep = step;
      state.seenSummary = true;
      for (let i = 0; i < count; i++) {
        const tag = tags[i];
        if (scalarsWanted && (!tagWanted || tagWanted(tag))) addScalar(run, tag, step, wallTime, values[i]);
      }
    },
    record: (record) => addRecord(run, record, state, filter),
  };
}
