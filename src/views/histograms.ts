// histograms(): one run's histograms of a tag with an interactive step slider (a vega-lite param), like the
// tutorial's add_histogram viewed in TensorBoard. TensorBoard's tiny default buckets are re-binned into `bins`
// equal-width bins over the range of all steps, spreading each bucket's count uniformly over its width.
import type { Histogram } from "../events/histogram";
import { runWithTag, runsOf, type RunsSource } from "./source";
import { VegaLiteChart, formatNumber, oneStepAtATime, textTable } from "./chart";
import type { Displayable } from "../display";
import { makeInteractive } from "../interactive";

export interface HistogramsOptions {
  /** Return a live widget (tensorscope/widgets, in the kernel) instead of the static picture. */
  interactive?: boolean;
  /** The run to show (default: the first run that has the tag). */
  run?: string;
  /** Display bins (default 30, as TensorBoard's frontend). */
  bins?: number;
  width?: number;
  height?: number;
}

export interface HistogramBar {
  step: number;
  /** Position of the step in the list, what the slider moves over. */
  index: number;
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

export function histogramBars(points: { step: number; value: Histogram }[], bins = 30): HistogramBar[] {
  const nonEmpty = points.filter((p) => p.value.num > 0);
  if (nonEmpty.length === 0) return [];
  let lo = Math.min(...nonEmpty.map((p) => p.value.min));
  let hi = Math.max(...nonEmpty.map((p) => p.value.max));
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  return points.flatMap((p, index) =>
    rebin(histogramBuckets(p.value), lo, hi, bins).map((count, b) => ({
      step: p.step,
      index,
      left: lo + b * width,
      right: lo + (b + 1) * width,
      count,
    })),
  );
}

function spec(
  bars: HistogramBar[],
  steps: number[],
  tag: string,
  options: HistogramsOptions,
  fixedIndex?: number,
): Record<string, unknown> {
  return {
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
  };
}

export class HistogramsView extends VegaLiteChart {
  constructor(
    readonly run: string,
    readonly tag: string,
    readonly bars: HistogramBar[],
    points: { step: number; value: Histogram }[],
    options: HistogramsOptions,
  ) {
    const steps = points.map((p) => p.step);
    const table = textTable(
      ["step", "num", "min", "max", "mean"],
      points.map((p) => [
        String(p.step),
        String(p.value.num),
        formatNumber(p.value.min),
        formatNumber(p.value.max),
        formatNumber(p.value.num ? p.value.sum / p.value.num : null),
      ]),
    );
    // The still image shows the last step; the slider only exists where vega-lite runs.
    super(
      spec(bars, steps, tag, options),
      `histograms of "${tag}" in run "${run}" (${steps.length} steps)\n${table}`,
      spec(bars, steps, tag, options, steps.length - 1),
    );
  }
}

/** `histograms("runs", "fc/kernel")`: the distribution of a tag at each logged step, with a step slider. */
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
  const run = runWithTag(runsOf(source, "histograms"), tag, (r) => r.histograms, "histograms", options.run);
  const points = run.histograms.get(tag)!.map((p) => ({ step: p.step, value: p.value }));
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histograms: bins must be a positive integer, got ${bins}`);
  return new HistogramsView(run.name, tag, histogramBars(points, bins), points, options);
}
