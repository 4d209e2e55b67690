// distributions(): TensorBoard's distribution dashboard from the same histograms: at each step, the values at
// nine basis points of the cumulative count (TensorBoard's "compressed histogram": 0, 6.68, 15.87, 30.85, 50,
// 69.15, 84.13, 93.32 and 100 %, i.e. the median, ±0.5σ, ±1σ, ±1.5σ of a normal and the extremes), drawn as
// nested bands over the steps.
import type { Histogram } from "../events/histogram";
import { runFilter, runsWithTag, runsOf, type NameFilter, type RunsSource } from "./source";
import { stepAxis, VegaLiteChart, formatNumber, textTable } from "./chart";

export const BASIS_POINTS = [0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000] as const;

export interface DistributionsOptions {
  /** One run to show (default: every run that has the tag, one chart each). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
  width?: number;
  height?: number;
}

/** One step's band edges: `bp<basis point>` fields, e.g. bp5000 is the median. */
export interface DistributionRow {
  run: string;
  step: number;
  [basisPoint: `bp${number}`]: number;
}

const lerp = (x: number, x0: number, x1: number, y0: number, y1: number): number =>
  y0 + ((x - x0) * (y1 - y0)) / (x1 - x0);

/**
 * The value at each basis point of a histogram's cumulative count, interpolated linearly inside the bucket where
 * the count crosses it (edge buckets clamped to min/max), as TensorBoard's distribution compressor does.
 */
export function compressHistogram(h: Histogram): number[] {
  if (!h.num) return BASIS_POINTS.map(() => 0);
  const total = h.bucketCounts.reduce((a, b) => a + b, 0) || 1;
  const cumulative: number[] = [];
  let running = 0;
  for (const count of h.bucketCounts) cumulative.push((running += (count * 10000) / total));
  const values: number[] = [];
  for (const bp of BASIS_POINTS) {
    // The first bucket whose cumulative weight passes bp and that holds any weight.
    let i = cumulative.findIndex((c) => c > bp);
    if (i < 0) break;
    while (i < cumulative.length && cumulative[i] === (i > 0 ? cumulative[i - 1] : 0)) i++;
    if (i >= cumulative.length) break;
    const before = i > 0 ? cumulative[i - 1] : 0;
    const lhs = i === 0 || before === 0 ? h.min : Math.max(h.bucketLimits[i - 1], h.min);
    const rhs = Math.min(h.bucketLimits[i], h.max);
    values.push(lerp(bp, before, cumulative[i], lhs, rhs));
  }
  while (values.length < BASIS_POINTS.length) values.push(h.max);
  return values;
}

function distributionRows(run: string, points: { step: number; value: Histogram }[]): DistributionRow[] {
  return points.map(({ step, value }) => {
    const row: DistributionRow = { run, step };
    compressHistogram(value).forEach((v, k) => (row[`bp${BASIS_POINTS[k]}`] = v));
    return row;
  });
}

/** Outer to inner bands, darker inwards, as TensorBoard draws them; the median as a line. */
function spec(
  rows: DistributionRow[],
  tag: string,
  runCount: number,
  options: DistributionsOptions,
): Record<string, unknown> {
  const x = { field: "step", type: "quantitative", title: "step", axis: stepAxis(rows.map((r) => r.step)) };
  const bands = [0, 1, 2, 3].map((k) => ({
    mark: { type: "area", opacity: 0.25 + 0.12 * k, color: "#e8710a", interpolate: "linear" },
    encoding: {
      x,
      y: { field: `bp${BASIS_POINTS[k]}`, type: "quantitative", title: "value", scale: { zero: false } },
      y2: { field: `bp${BASIS_POINTS[8 - k]}` },
    },
  }));
  const median = {
    mark: { type: "line", color: "#b54a00", strokeWidth: 1.5 },
    encoding: { x, y: { field: "bp5000", type: "quantitative" } },
  };
  const tooltip = {
    mark: { type: "point", opacity: 0, size: 60 },
    encoding: {
      x,
      y: { field: "bp5000", type: "quantitative" },
      tooltip: [
        { field: "run", type: "nominal" },
        { field: "step", type: "quantitative" },
        ...BASIS_POINTS.map((bp) => ({
          field: `bp${bp}`,
          title: `${bp / 100}%`,
          type: "quantitative",
          format: ".4~g",
        })),
      ],
    },
  };
  const inner = {
    width: options.width ?? 420,
    height: options.height ?? 220,
    layer: [...bands, median, tooltip],
  };
  const data = { values: rows };
  if (runCount <= 1) return { data, title: tag, ...inner };
  return {
    data,
    title: tag,
    facet: {
      row: { field: "run", type: "nominal", title: null, header: { labelAngle: 0, labelAlign: "left" } },
    },
    spec: inner,
  };
}

export class DistributionsView extends VegaLiteChart {
  constructor(
    readonly runs: string[],
    readonly tag: string,
    readonly rows: DistributionRow[],
    options: DistributionsOptions,
  ) {
    const table = textTable(
      ["run", "step", "min", "-1σ", "median", "+1σ", "max"],
      rows.map((r) => [
        r.run,
        String(r.step),
        ...[0, 1587, 5000, 8413, 10000].map((bp) => formatNumber(r[`bp${bp}`])),
      ]),
    );
    const where =
      runs.length === 1 ? `run ${JSON.stringify(runs[0])}` : `${runs.length} runs (${runs.join(", ")})`;
    super(
      spec(rows, tag, runs.length, options),
      `distributions of ${JSON.stringify(tag)} in ${where}\n${table}`,
    );
  }
}

/** `distributions("runs", "fc/kernel")`: how a logged histogram's percentiles move over the steps. */
export function distributions(
  source: RunsSource,
  tag: string,
  options: DistributionsOptions = {},
): DistributionsView {
  const what = "distributions";
  const runs = runsWithTag(runsOf(source, what), tag, (r) => r.histograms, what, runFilter(options, what));
  const rows = runs.flatMap((run) =>
    distributionRows(
      run.name,
      [...run.histograms.get(tag)!].sort((a, b) => a.step - b.step),
    ),
  );
  return new DistributionsView(
    runs.map((r) => r.name),
    tag,
    rows,
    options,
  );
}
