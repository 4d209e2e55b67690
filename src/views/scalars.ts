// scalars(): TensorBoard's scalar dashboard as a vega-lite chart. All points are read; smoothing runs on the
// full series (TensorBoard smooths its 1,000-point sample), and long series are reduced per x-bucket with a
// min/max envelope so spikes and NaN gaps that sampling would hide stay visible.
import type { RunData, ScalarSeries } from "../events/logdir";
import { smooth } from "./smoothing";
import { reduceForDisplay, type DisplayPoint } from "./reduce";
import { runsOf, selectNames, type NameFilter, type RunsSource } from "./source";
import { stepAxis, VegaLiteChart, formatNumber, textTable } from "./chart";
import { liveControls, type LiveControls } from "./scalars-live";
import { downloadLayers } from "./scalars-download";

/** Points in the longest drawn series (what bounds the exactness of in-browser smoothing). */
function longestSeries(rows: ScalarRow[]): number {
  const counts = new Map<string, number>();
  for (const row of rows)
    counts.set(`${row.run}\u0000${row.tag}`, (counts.get(`${row.run}\u0000${row.tag}`) ?? 0) + 1);
  return Math.max(1, ...counts.values());
}

export interface ScalarsOptions {
  /** Tags to show (names or a pattern); default all. */
  tags?: NameFilter;
  /** Runs to show (names or a pattern); default all. */
  runs?: NameFilter;
  /** TensorBoard's smoothing weight in [0, 1) (default 0.6); 0 draws raw values only. */
  smoothing?: number;
  xAxis?: "step" | "relative" | "wall";
  logY?: boolean;
  /** Display buckets per series before points are reduced to last/min/max per bucket (default 500, fewer
   * when more than 32 series share the chart: 16,000 points in all). */
  buckets?: number;
  width?: number;
  height?: number;
}

export interface ScalarRow extends DisplayPoint {
  run: string;
  tag: string;
  /** The point's x on each axis, for the axis control in the browser (wall time in ms). */
  step: number;
  relative: number;
  wall: number;
  /** Drawing order within a series. */
  i: number;
  /** Stretch between gaps: lines are drawn per segment, so NaN/Inf leave a gap in every vega-lite version. */
  segment: number;
}

/** Turns null points into segment breaks (the rows keep only drawable points). */
function segmentRows(
  run: string,
  tag: string,
  series: ScalarSeries,
  points: DisplayPoint[],
  logY: boolean,
): ScalarRow[] {
  const rows: ScalarRow[] = [];
  let segment = 0;
  let open = false;
  points.forEach((p, i) => {
    const drawable = p.value !== null && (!logY || p.value > 0);
    if (!drawable) {
      if (open) segment++;
      open = false;
      return;
    }
    open = true;
    const [step, wallTime] = [series.steps[p.at], series.wallTimes[p.at]];
    rows.push({
      run,
      tag,
      i,
      segment,
      step,
      relative: wallTime - series.wallTimes[0],
      wall: wallTime * 1000,
      ...p,
    });
  });
  return rows;
}

interface SeriesSummary {
  run: string;
  tag: string;
  points: number;
  last: number;
  min: number;
  max: number;
  reduced: boolean;
}

function xValues(series: ScalarSeries, axis: "step" | "relative" | "wall"): Float64Array {
  if (axis === "step") return series.steps;
  if (axis === "wall") return series.wallTimes.map((t) => t * 1000);
  const t0 = series.wallTimes[0];
  return series.wallTimes.map((t) => t - t0);
}

function finiteExtent(values: ArrayLike<number> & Iterable<number>): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

/** 500 buckets per series, fewer when many series share the chart so that it stays quick to draw and send. */
function defaultBuckets(seriesCount: number): number {
  return Math.max(50, Math.min(500, Math.floor(MAX_CHART_POINTS / Math.max(1, seriesCount))));
}
const MAX_CHART_POINTS = 16_000;

/** The rows a chart draws, plus one summary per series (compute only; no rendering). */
export function scalarRows(
  runs: RunData[],
  options: ScalarsOptions = {},
  /** Runs and tags not (yet) logged are left out instead of being an error (a live chart before training). */
  lenient = false,
): { rows: ScalarRow[]; series: SeriesSummary[] } {
  const smoothing = options.smoothing ?? 0.6;
  if (typeof smoothing !== "number" || !(smoothing >= 0 && smoothing < 1)) {
    throw new RangeError(`scalars: smoothing must be in [0, 1), got ${String(smoothing)}`);
  }
  const axis = options.xAxis ?? "step";
  if (!["step", "relative", "wall"].includes(axis))
    throw new RangeError(`scalars: xAxis must be "step", "relative" or "wall", got ${axis}`);
  const rows: ScalarRow[] = [];
  const series: SeriesSummary[] = [];
  const select = (names: string[], filter: NameFilter | undefined, kind: "run" | "tag"): string[] =>
    lenient
      ? names.filter(
          (n) => filter === undefined || (filter instanceof RegExp ? filter.test(n) : filter.includes(n)),
        )
      : selectNames(names, filter, "scalars", kind);
  const runNames = select(
    runs.map((r) => r.name),
    options.runs,
    "run",
  );
  const chosen = runs.filter((r) => runNames.includes(r.name));
  const tags = select([...new Set(chosen.flatMap((run) => [...run.scalars.keys()]))], options.tags, "tag");
  const tagsOf = (run: RunData): string[] => [...run.scalars.keys()].filter((tag) => tags.includes(tag));
  const buckets = options.buckets ?? defaultBuckets(chosen.reduce((n, run) => n + tagsOf(run).length, 0));
  for (const run of chosen) {
    for (const tag of tagsOf(run)) {
      const data = run.scalars.get(tag)!;
      const smoothed = smooth(data.values, smoothing);
      const { points, reduced } = reduceForDisplay(xValues(data, axis), data.values, smoothed, buckets);
      for (const row of segmentRows(run.name, tag, data, points, options.logY ?? false)) rows.push(row);
      const [min, max] = finiteExtent(data.values);
      series.push({
        run: run.name,
        tag,
        points: data.values.length,
        last: data.values[data.values.length - 1],
        min,
        max,
        reduced,
      });
    }
  }
  return { rows, series };
}

function layers(
  smoothing: number,
  anyReduced: boolean,
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  live?: LiveControls,
  width = 360,
  links = live !== undefined,
): unknown[] {
  const smoothedField = live?.smoothedField ?? "smoothed";
  const color = { field: "run", type: "nominal", title: "run" };
  const order = { field: "i", type: "quantitative" };
  const detail = { field: "segment", type: "nominal" };
  const tooltip = [
    { field: "run", type: "nominal" },
    { field: String(x.field), type: x.type, title: x.title ?? "x" },
    { field: "value", type: "quantitative", format: ".6g" },
    { field: smoothedField, type: "quantitative", format: ".6g", title: "smoothed" },
  ];
  const out: unknown[] = [];
  if (anyReduced) {
    out.push({
      // The min-max band as one stepped area per segment: a one-bucket spike stays a full-height column (a
      // linear area would thin it to a sliver), and one path per series keeps large charts quick to draw.
      mark: { type: "area", opacity: 0.3, interpolate: "step" },
      encoding: { x, y: { ...y, field: "min" }, y2: { field: "max" }, color, detail },
    });
  }
  out.push({
    mark: { type: "line", opacity: live ? { expr: "smoothing > 0 ? 0.3 : 1" } : smoothing > 0 ? 0.3 : 1 },
    encoding: {
      x,
      y: { ...y, field: "value" },
      color,
      order,
      detail,
      ...(smoothing === 0 && !live ? { tooltip } : {}),
    },
  });
  if (smoothing > 0 || live) {
    out.push({
      mark: { type: "line" },
      encoding: { x, y: { ...y, field: smoothedField }, color, order, detail, tooltip },
    });
  }
  // The download links belong to the live chart only (a still picture cannot be clicked).
  if (live && links) out.push(...downloadLayers(smoothedField, width));
  return out;
}

/**
 * The chart; `live` adds the smoothing and x-axis controls that run in the browser (left out of a still image),
 * and, unless `links` is false (the board has buttons of its own), the CSV/JSON download links.
 */
export function scalarsSpec(
  rows: ScalarRow[],
  anyReduced: boolean,
  options: ScalarsOptions = {},
  live = false,
  links = live,
): Record<string, unknown> {
  const smoothing = options.smoothing ?? 0.6;
  const axis = options.xAxis ?? "step";
  const controls = live ? liveControls(longestSeries(rows), smoothing, axis) : undefined;
  const x = controls?.x ?? {
    field: "x",
    type: axis === "wall" ? "temporal" : "quantitative",
    title: { step: "step", relative: "relative time (s)", wall: "wall time" }[axis],
    ...(axis === "step" ? { axis: stepAxis(rows.map((r) => r.step)) } : {}),
  };
  const y = {
    type: "quantitative",
    title: "value",
    scale: { type: options.logY ? "log" : "linear", zero: false },
  };
  const width = options.width ?? 360;
  const inner = {
    width,
    height: options.height ?? 220,
    layer: layers(smoothing, anyReduced, x, y, controls, width, links),
  };
  return {
    ...(controls ? { params: controls.params, transform: controls.transform } : {}),
    // Drawn as SVG by vega-embed (JupyterLab, VS Code) as on the board: the download links are then DOM text.
    ...(live ? { usermeta: { embedOptions: { renderer: "svg" } } } : {}),
    data: { values: rows },
    facet: {
      field: "tag",
      type: "nominal",
      title: null,
      header: { labelFontSize: 13, labelFontWeight: "bold" },
    },
    columns: 2,
    spec: inner,
    resolve: { scale: { y: "independent", x: "independent" } },
  };
}

export class ScalarsView extends VegaLiteChart {
  constructor(
    readonly rows: ScalarRow[],
    readonly series: SeriesSummary[],
    options: ScalarsOptions,
  ) {
    const anyReduced = series.some((s) => s.reduced);
    const table = textTable(
      ["run", "tag", "points", "last", "min", "max"],
      series.map((s) => [
        s.run,
        s.tag,
        String(s.points),
        formatNumber(s.last),
        formatNumber(s.min),
        formatNumber(s.max),
      ]),
    );
    const title = `scalars: ${new Set(series.map((s) => s.run)).size} run(s), ${new Set(series.map((s) => s.tag)).size} tag(s), smoothing ${options.smoothing ?? 0.6}`;
    super(
      scalarsSpec(rows, anyReduced, options, true),
      series.length ? `${title}\n${table}` : `${title}\n(no scalars)`,
      scalarsSpec(rows, anyReduced, options),
    );
  }
}

/** Scalar curves of many runs: `scalars("runs", { tags: ["loss"], smoothing: 0.6 })`. */
export function scalars(source: RunsSource, options: ScalarsOptions = {}): ScalarsView {
  const { rows, series } = scalarRows(runsOf(source, "scalars"), options);
  return new ScalarsView(rows, series, options);
}
