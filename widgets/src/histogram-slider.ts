// HistogramSlider: how a tensor's value distribution moves over training steps (the tutorial's
// add_histogram), with a step slider and a play button. Bins are shared by all steps so bars compare.
import { tf } from "../../src/backend";
import type { MimeBundle } from "../../src/display";
import { drawHistogramRidges, type HistogramSeries } from "./shared/histogram-draw";
import { drawPng, pngBundle } from "./render";
import { LiveWidget } from "./widget";
import { histogramBuckets, rebin } from "../../src/views/histograms";
import { runWithTag, runsOf, type RunsSource } from "../../src/views/source";

export type Values = ArrayLike<number> | tf.Tensor;

export interface HistogramSliderOptions {
  title?: string;
  /** Number of equal-width bins over the range of all steps; default 30. */
  bins?: number;
  /** Milliseconds per step when playing; default 300. */
  intervalMs?: number;
}

function readValues(values: Values, where: string): Float64Array {
  if (values instanceof tf.Tensor) return Float64Array.from(values.dataSync());
  if (values === null || typeof values !== "object" || typeof values.length !== "number") {
    throw new TypeError(`${where}: expected an array of numbers or a tf.Tensor`);
  }
  return Float64Array.from(values as ArrayLike<number>);
}

/** Equal-width bins over the finite range of every step; counts per step. Pure, so tests can check it. */
export function binSteps(perStep: Float64Array[], bins: number): { edges: number[]; counts: number[][] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of perStep) {
    for (const v of values) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = perStep.map((values) => {
    const row = new Array<number>(bins).fill(0);
    for (const v of values) {
      if (Number.isFinite(v)) row[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    }
    return row;
  });
  return { edges, counts };
}

export class HistogramSlider extends LiveWidget {
  protected readonly kind = "HistogramSlider";
  readonly title: string;
  private series: HistogramSeries;
  private index: number;
  private readonly intervalMs: number;

  constructor(steps: number[], values: Values[], options: HistogramSliderOptions = {}) {
    super();
    if (
      !Array.isArray(steps) ||
      !Array.isArray(values) ||
      steps.length !== values.length ||
      steps.length === 0
    ) {
      throw new TypeError(
        `HistogramSlider: expected equally long, non-empty arrays of steps and values, got ${steps?.length} steps and ${values?.length} values`,
      );
    }
    steps.forEach((s, i) => {
      if (!Number.isFinite(s))
        throw new TypeError(`HistogramSlider: step ${i} must be a finite number, got ${s}`);
    });
    const bins = options.bins ?? 30;
    if (!Number.isInteger(bins) || bins < 1 || bins > 1000) {
      throw new RangeError(`HistogramSlider: bins must be an integer in [1, 1000], got ${bins}`);
    }
    this.series = HistogramSlider.pending ?? {
      steps: [...steps],
      ...binSteps(
        values.map((v, i) => readValues(v, `HistogramSlider: values[${i}]`)),
        bins,
      ),
    };
    this.title = options.title ?? "";
    this.index = steps.length - 1;
    this.intervalMs = options.intervalMs ?? 300;
  }

  /** Set only while fromLogdir constructs an instance from counts that are already binned. */
  private static pending: HistogramSeries | undefined;

  /**
   * The histograms of `tag` in a TensorBoard log (a logdir path, a Logdir or runs; written by SummaryWriter's
   * addHistogram, PyTorch or tensorboardX), re-binned into `bins` equal bins over all steps as histograms() does.
   */
  static fromLogdir(
    source: RunsSource,
    tag: string,
    options: HistogramSliderOptions & { run?: string } = {},
  ): HistogramSlider {
    const bins = options.bins ?? 30;
    const run = runWithTag(runsOf(source, "histograms"), tag, (r) => r.histograms, "histograms", options.run);
    const points = run.histograms.get(tag)!.filter((p) => p.value.num > 0);
    if (points.length === 0)
      throw new RangeError(`HistogramSlider.fromLogdir: tag "${tag}" has only empty histograms`);
    let lo = Math.min(...points.map((p) => p.value.min));
    let hi = Math.max(...points.map((p) => p.value.max));
    if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
    const width = (hi - lo) / bins;
    HistogramSlider.pending = {
      steps: points.map((p) => p.step),
      edges: Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width)),
      counts: points.map((p) => rebin(histogramBuckets(p.value), lo, hi, bins)),
    };
    try {
      const placeholders = points.map(() => [] as number[]);
      return new HistogramSlider(HistogramSlider.pending.steps, placeholders, {
        title: `${run.name}: ${tag}`,
        ...options,
      });
    } finally {
      HistogramSlider.pending = undefined;
    }
  }

  /** The step index the user last chose in the browser (or the last step). */
  get selectedIndex(): number {
    return this.index;
  }

  get histograms(): Readonly<HistogramSeries> {
    return this.series;
  }

  protected dataState(): Record<string, unknown> {
    return { title: this.title, ...this.series, index: this.index, interval_ms: this.intervalMs };
  }

  protected override applyUpdate(state: Record<string, unknown>): void {
    if (typeof state.index === "number" && Number.isInteger(state.index)) {
      this.index = Math.min(Math.max(0, state.index), this.series.steps.length - 1);
    }
  }

  protected staticBundle(): MimeBundle {
    const png = drawPng(520, 240, (ctx) =>
      drawHistogramRidges(ctx, { left: 48, top: 10, width: 460, height: 206 }, this.series),
    );
    const { steps } = this.series;
    return pngBundle(
      png,
      `HistogramSlider ${JSON.stringify(this.title)}: ${steps.length} steps (${steps[0]}..${steps[steps.length - 1]})`,
    );
  }
}
