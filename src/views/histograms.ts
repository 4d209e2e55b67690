// histograms(): the histograms of a tag in every run that has it, with an interactive step slider (a vega-lite
// param) or all steps overlaid, like the tutorial's add_histogram viewed in TensorBoard. TensorBoard's tiny default buckets are re-binned into `bins`
// equal-width bins over the range of all steps, spreading each bucket's count uniformly over its width.
import type { Histogram } from "../events/histogram";
import { runFilter, runsWithTag, runsOf, type NameFilter, type RunsSource } from "./source";
import { VegaLiteChart, formatNumber, oneStepAtATime, stepSpans, textTable, unionSteps } from "./chart";
import type { Displayable } from "../display";
import { makeInteractive } from "../interactive";

export interface HistogramsOptions {
  /** Return a live widget (tensorscope/widgets, in the kernel) instead of the static picture. */
  interactive?: boolean;
  /** One run to show (default: every run that has the tag, one chart each). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
  /** "slider" (default): one step at a time; "overlay": every step drawn at once, as TensorBoard's overlay mode. */
  mode?: "slider" | "overlay";
  /** Display bins (default 30, as TensorBoard's frontend). */
  bins?: number;
  width?: number;
  height?: number;
}

export interface HistogramBar {
  run: string;
  step: number;
  /** The slider positions (over the steps of all runs shown) at which this step is the run's shown one. */
  index: number;
  until: number;
  left: number;
  right: number;
  count: number;
}

/** (left, right, count) buckets of a stored histogram, edge buckets clamped to min/max as TensorBoard does. */
export function histogramBuckets(h: Histogram): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < h.bucketLimits.length; i++) {
    if (h.bucketCounts[i] === 0) continue;
    const left = i === 0 ? h.min : h.bucketLimits[i - 1];
    out.push([Math.max(left, h.min), Math.min(h.bucketLimits[i], h.max), h.bucketCounts[i]]);
  }
  return out;
}

/** Re-bins into `bins` equal bins over [lo, hi]; a zero-width bucket (a constant) puts its count in one bin. */
export function rebin(buckets: [number, number, number][], lo: number, hi: number, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins || 1;
  const binOf = (v: number): number => Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
  for (const [left, right, count] of buckets) {
    if (right <= left) {
      counts[binOf(left)] += count;
      continue;
    }
    for (let b = binOf(left); b <= binOf(right); b++) {
      const overlap = Math.min(right, lo + (b + 1) * width) - Math.max(left, lo + b * width);
      if (overlap > 0) counts[b] += (count * overlap) / (right - left);
    }
  }
  return counts;
}

type HistogramPoints = { step: number; value: Histogram }[];

/** Bars of every run's steps, re-binned into `bins` equal bins over the range of all runs and steps. */
export function histogramBars(runs: Map<string, HistogramPoints>, bins = 30): HistogramBar[] {
  const nonEmpty = [...runs.values()].flat().filter((p) => p.value.num > 0);
  if (nonEmpty.length === 0) return [];
  let lo = Math.min(...nonEmpty.map((p) => p.value.min));
  let hi = Math.max(...nonEmpty.map((p) => p.value.max));
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const allSteps = unionSteps([...runs.values()].map((points) => points.map((p) => p.step)));
  return [...runs].flatMap(([run, points]) => {
    const spans = stepSpans(
      allSteps,
      points.map((p) => p.step),
    );
    return points.flatMap((p, k) =>
      rebin(histogramBuckets(p.value), lo, hi, bins).map((count, b) => ({
        run,
        step: p.step,
        ...spans[k],
        left: lo + b * width,
        right: lo + (b + 1) * width,
        count,
      })),
    );
  });
}

/** One chart per run (rows), or the chart itself when there is one run. */
function perRun(inner: Record<string, unknown>, runCount: number): Record<string, unknown> {
  if (runCount <= 1) return inner;
  const { width, height, mark, encoding, ...outer } = inner;
  return {
    ...outer,
    facet: {
      row: { field: "run", type: "nominal", title: null, header: { labelAngle: 0, labelAlign: "left" } },
    },
    spec: { width, height, mark, encoding },
  };
}

function sliderSpec(
  bars: HistogramBar[],
  steps: number[],
  tag: string,
  runCount: number,
  options: HistogramsOptions,
  fixedIndex?: number,
): Record<string, unknown> {
  return perRun(
    {
      data: { values: bars },
      ...oneStepAtATime(tag, steps, fixedIndex),
      width: options.width ?? 420,
      height: options.height ?? 220,
      mark: { type: "rect", tooltip: true },
      encoding: {
        x: { field: "left", type: "quantitative", title: "value", scale: { zero: false } },
        x2: { field: "right" },
        y: {
          field: "count",
          type: "quantitative",
          title: "count",
          scale: { domain: [0, Math.max(1, ...bars.map((b) => b.count))] },
        },
        y2: { datum: 0 },
      },
    },
    runCount,
  );
}

/** TensorBoard's overlay mode: every step's histogram as a line on one chart, coloured from early to late. */
function overlaySpec(
  bars: HistogramBar[],
  tag: string,
  runCount: number,
  options: HistogramsOptions,
): Record<string, unknown> {
  const rows = bars.map((b) => ({ ...b, center: (b.left + b.right) / 2 }));
  return perRun(
    {
      data: { values: rows },
      title: { text: tag, subtitle: "overlay: every step, darker = later" },
      width: options.width ?? 420,
      height: options.height ?? 220,
      mark: { type: "line", interpolate: "monotone", strokeWidth: 1.2, tooltip: true },
      encoding: {
        x: { field: "center", type: "quantitative", title: "value", scale: { zero: false } },
        y: { field: "count", type: "quantitative", title: "count" },
        color: {
          field: "step",
          type: "quantitative",
          scale: { scheme: "oranges" },
          legend: { format: "d", tickMinStep: 1 },
        },
        detail: { field: "step", type: "nominal" },
        order: { field: "center", type: "quantitative" },
      },
    },
    runCount,
  );
}

export class HistogramsView extends VegaLiteChart {
  constructor(
    readonly runs: string[],
    readonly tag: string,
    readonly bars: HistogramBar[],
    points: Map<string, HistogramPoints>,
    options: HistogramsOptions,
  ) {
    const steps = unionSteps([...points.values()].map((list) => list.map((p) => p.step)));
    const table = textTable(
      ["run", "step", "num", "min", "max", "mean"],
      [...points].flatMap(([run, list]) =>
        list.map((p) => [
          run,
          String(p.step),
          String(p.value.num),
          formatNumber(p.value.min),
          formatNumber(p.value.max),
          formatNumber(p.value.num ? p.value.sum / p.value.num : null),
        ]),
      ),
    );
    const mode = options.mode ?? "slider";
    const where =
      runs.length === 1 ? `run ${JSON.stringify(runs[0])}` : `${runs.length} runs (${runs.join(", ")})`;
    const text = `histograms of ${JSON.stringify(tag)} in ${where} (${steps.length} steps${mode === "overlay" ? ", overlay" : ""})\n${table}`;
    // The still image shows the last step; the slider only exists where vega-lite runs.
    super(
      mode === "overlay"
        ? overlaySpec(bars, tag, runs.length, options)
        : sliderSpec(bars, steps, tag, runs.length, options),
      text,
      mode === "overlay"
        ? overlaySpec(bars, tag, runs.length, options)
        : sliderSpec(bars, steps, tag, runs.length, options, steps.length - 1),
    );
  }

  /** The one run shown, or the first of several. */
  get run(): string {
    return this.runs[0];
  }
}

/**
 * `histograms("runs", "fc/kernel")`: the distribution of a tag at each logged step, with a step slider, for every
 * run that has the tag (one chart per run); `{ mode: "overlay" }` draws all steps at once as TensorBoard does.
 */
export function histograms(
  source: RunsSource,
  tag: string,
  options: HistogramsOptions & { interactive: true },
): Displayable;
export function histograms(source: RunsSource, tag: string, options?: HistogramsOptions): HistogramsView;
export function histograms(
  source: RunsSource,
  tag: string,
  options: HistogramsOptions = {},
): HistogramsView | Displayable {
  if (options.interactive)
    return makeInteractive("histograms", source, tag, { run: options.run, bins: options.bins });
  const runs = runsWithTag(
    runsOf(source, "histograms"),
    tag,
    (r) => r.histograms,
    "histograms",
    runFilter(options, "histograms"),
  );
  const points = new Map(
    runs.map((run) => [
      run.name,
      run.histograms
        .get(tag)!
        .map((p) => ({ step: p.step, value: p.value }))
        .sort((a, b) => a.step - b.step),
    ]),
  );
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histograms: bins must be a positive integer, got ${bins}`);
  if (options.mode !== undefined && !["slider", "overlay"].includes(options.mode))
    throw new RangeError(`histograms: mode must be "slider" or "overlay", got ${String(options.mode)}`);
  return new HistogramsView(
    runs.map((r) => r.name),
    tag,
    histogramBars(points, bins),
    points,
    options,
  );
}
