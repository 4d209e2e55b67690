// What the board's API answers: the catalog of a logdir, each dashboard's payload (the same specs and drawing
// data as the notebook views), and scalar points of an x range at full resolution for zooming.
import type { Logdir, RunData, ScalarSeries } from "../events/logdir";
import { catalogOf, type Catalog, type DashboardKind } from "../views/catalog";
import { viewsOf } from "../views/dashboard";
import { scalarRows, scalarsSpec, type ScalarRow } from "../views/scalars";
import { GraphView } from "../views/graph";
import { VegaLiteChart } from "../views/chart";
import type { XAxis } from "../views/scalars-live";
import { compileVegaLite } from "../views/render";

export interface ViewPayload {
  kind: DashboardKind;
  tag: string;
  /** A vega-lite spec to draw, its points under the data name "points" when `rows` is given. */
  spec?: Record<string, unknown>;
  /** The spec compiled to vega here, so that the page needs vega only (not the vega-lite compiler). */
  vega?: unknown;
  rows?: Partial<ScalarRow>[];
  html?: string;
  graph?: { data: GraphView["data"]; expanded: string[] };
  text: string;
}

const runsOf = (logdir: Logdir): RunData[] => [...logdir.runs.values()];

export function catalog(logdir: Logdir): Catalog {
  return catalogOf(runsOf(logdir));
}

/** One tag's scalar chart (all runs), unfaceted so that its x scale can be zoomed, data under "points". */
export function scalarChart(logdir: Logdir, tag: string): ViewPayload {
  const runs = runsOf(logdir).filter((run) => run.scalars.has(tag));
  // About 4,000 points per chart at first (TensorBoard draws 1,000 per series); zooming fetches the full detail.
  const buckets = Math.max(50, Math.min(500, Math.floor(4000 / Math.max(1, runs.length))));
  const { rows, series } = scalarRows(runs, { tags: [tag], buckets });
  const faceted = scalarsSpec(
    rows,
    series.some((s) => s.reduced),
    { smoothing: 0.6, width: 640, height: 320 },
    true,
    false, // the page has download buttons of its own
  );
  const inner = faceted.spec as { layer: Record<string, unknown>[] };
  const [first, ...rest] = inner.layer;
  const zoom = {
    name: "zoom",
    select: {
      type: "interval",
      encodings: ["x"],
      zoom: "wheel!",
      translate: "[mousedown, window:mouseup] > window:mousemove!",
    },
    bind: "scales",
  };
  const spec = {
    params: faceted.params,
    transform: faceted.transform,
    data: { name: "points" },
    title: tag,
    ...inner,
    layer: [{ ...first, params: [zoom] }, ...rest],
  };
  return {
    kind: "scalars",
    tag,
    spec,
    vega: compileVegaLite(spec),
    rows: rows.map(slim),
    text: `${series.length} series`,
  };
}

/** The fields the page's chart reads (x, at and the kernel's smoothing are not needed there). */
function slim(row: ScalarRow): Partial<ScalarRow> {
  const { run, tag, i, segment, step, relative, wall, value, min, max } = row;
  return { run, tag, i, segment, step, relative, wall, value, min, max };
}

/** Binary search: the first index whose value is ≥ x in a non-decreasing column. */
function lowerBound(values: ArrayLike<number>, x: number): number {
  let [lo, hi] = [0, values.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function slice(series: ScalarSeries, from: number, to: number): ScalarSeries {
  return {
    length: to - from,
    steps: series.steps.subarray(from, to),
    wallTimes: series.wallTimes.subarray(from, to),
    values: series.values.subarray(from, to),
  };
}

/**
 * The points of `tag` whose step (or time) lies in [lo, hi], with one point either side so lines reach the edges;
 * reduced to `buckets` per series only when more than 2 × buckets are in range, so zooming in shows every point.
 */
export function scalarRange(
  logdir: Logdir,
  tag: string,
  axis: XAxis,
  lo: number,
  hi: number,
  buckets = 500,
): Partial<ScalarRow>[] {
  const starts = new Map<string, number>();
  const runs = runsOf(logdir)
    .filter((run) => run.scalars.has(tag))
    .map((run): RunData => {
      const series = run.scalars.get(tag)!;
      const start = series.wallTimes[0];
      starts.set(run.name, start);
      const xs = axis === "step" ? series.steps : series.wallTimes;
      const [a, b] =
        axis === "step" ? [lo, hi] : axis === "wall" ? [lo / 1000, hi / 1000] : [lo + start, hi + start];
      const from = Math.max(0, lowerBound(xs, a) - 1);
      const to = Math.min(series.length, lowerBound(xs, b) + 1);
      // scalarRows reads only the ScalarSeries fields of the columns.
      return { ...run, scalars: new Map([[tag, slice(series, from, to)]]) as unknown as RunData["scalars"] };
    });
  const { rows } = scalarRows(runs, {
    tags: [tag],
    smoothing: 0,
    buckets,
    xAxis: axis === "relative" ? "wall" : axis,
  });
  // Relative time is measured from the run's first point, not from the slice's.
  return rows.map((r) => {
    const relative = r.wall / 1000 - starts.get(r.run)!;
    return slim({ ...r, relative });
  });
}

/** The payload of one dashboard card. */
export async function viewPayload(logdir: Logdir, kind: DashboardKind, tag: string): Promise<ViewPayload> {
  const known = catalog(logdir).kinds[kind];
  if (!known) throw new RangeError(`nothing of kind ${JSON.stringify(kind)} in this logdir`);
  if (kind === "scalars") return scalarChart(logdir, tag);
  const tags = known.length === 1 && known[0] === "" ? [""] : [tag];
  const [view] = viewsOf(kind, runsOf(logdir), tags);
  const base = { kind, tag, text: view.text };
  if (view instanceof GraphView) return { ...base, graph: { data: view.data, expanded: view.expanded } };
  if (view instanceof VegaLiteChart) return { ...base, spec: view.spec, vega: compileVegaLite(view.spec) };
  const withHtml = view as unknown as { toHtml?: () => string; spec?: Record<string, unknown> };
  if (withHtml.spec) return { ...base, spec: withHtml.spec, vega: compileVegaLite(withHtml.spec) };
  if (withHtml.toHtml) return { ...base, html: withHtml.toHtml() };
  return { ...base, html: await view.toSvg() };
}

/** Changes whenever a run gains data (what the page is told to refetch on). */
export function signature(logdir: Logdir): string {
  let points = 0;
  for (const run of logdir.runs.values()) {
    for (const s of run.scalars.values()) points += s.length;
    for (const map of [run.histograms, run.images, run.texts, run.prCurves, run.audio])
      for (const list of map.values()) points += list.length;
    points += run.graphs.length + run.hparams.length;
  }
  return `${logdir.runs.size}:${points}`;
}
