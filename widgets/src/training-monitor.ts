// TrainingMonitor: loss and metric curves that grow while model.fit runs. Points are kept in bounded
// buckets (min/max per bucket, so spikes stay visible) and sent to the browser at most 10 times a second,
// however fast they are logged; the browser redraws at most 10 times a second and smooths locally.
import type { MimeBundle } from "../../src/display";
import { display } from "../../src/display";
import { BucketSeries } from "./shared/buckets";
import { drawCurves, type SeriesMap } from "./shared/curves-draw";
import { drawPng, pngBundle } from "./render";
import { LiveWidget } from "./widget";

export interface TrainingMonitorOptions {
  title?: string;
  /** Buckets kept per series (default 512): the bound on points held in the kernel and in the browser. */
  maxPoints?: number;
  /** Minimum milliseconds between two updates sent to the browser (default 100, i.e. at most 10 per second). */
  throttleMs?: number;
  /** Initial smoothing weight in [0, 1) (TensorBoard's debiased EMA; default 0.6). */
  smoothing?: number;
}

type Logs = Record<string, number | { dataSync?: () => ArrayLike<number> } | undefined> | undefined;

/** The subset of tf.CustomCallbackArgs the monitor fills in (plain functions, so model.fit accepts it). */
export interface MonitorCallbacks {
  onBatchEnd: (batch: number, logs?: Logs) => Promise<void>;
  onEpochEnd: (epoch: number, logs?: Logs) => Promise<void>;
  onTrainEnd: () => Promise<void>;
}

export class TrainingMonitor extends LiveWidget {
  protected readonly kind = "TrainingMonitor";
  readonly title: string;
  private readonly series = new Map<string, BucketSeries>();
  private readonly maxPoints: number;
  private readonly throttleMs: number;
  private smoothing: number;
  private lastSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private globalStep = 0;
  /** How many updates were sent to the browser (for tests and benchmarks). */
  updatesSent = 0;

  constructor(options: TrainingMonitorOptions = {}) {
    super();
    this.title = options.title ?? "training";
    this.maxPoints = options.maxPoints ?? 512;
    this.throttleMs = options.throttleMs ?? 100;
    this.smoothing = options.smoothing ?? 0.6;
    if (!Number.isInteger(this.maxPoints) || this.maxPoints < 2)
      throw new RangeError(`TrainingMonitor: maxPoints must be an integer >= 2, got ${this.maxPoints}`);
    if (!(this.throttleMs >= 0))
      throw new RangeError(`TrainingMonitor: throttleMs must be >= 0, got ${this.throttleMs}`);
    if (!(this.smoothing >= 0 && this.smoothing < 1))
      throw new RangeError(`TrainingMonitor: smoothing must be in [0, 1), got ${this.smoothing}`);
  }

  /** Records one value; `step` is any increasing number (batch or epoch count). */
  log(name: string, step: number, value: number): void {
    if (typeof name !== "string" || name === "")
      throw new TypeError(`TrainingMonitor.log: name must be a non-empty string, got ${String(name)}`);
    if (!Number.isFinite(step))
      throw new TypeError(`TrainingMonitor.log: step must be a finite number, got ${step}`);
    let series = this.series.get(name);
    if (!series) this.series.set(name, (series = new BucketSeries(this.maxPoints)));
    series.push(step, Number(value));
    this.schedule();
  }

  /** Callbacks for model.fit: every batch's logs by global batch number, and epoch-end "val_*" metrics. */
  callbacks(): MonitorCallbacks {
    return {
      onBatchEnd: async (_batch, logs) => {
        this.globalStep++;
        for (const [key, value] of numericLogs(logs))
          if (key !== "batch" && key !== "size") this.log(key, this.globalStep, value);
      },
      onEpochEnd: async (_epoch, logs) => {
        for (const [key, value] of numericLogs(logs))
          if (key.startsWith("val_")) this.log(key, this.globalStep, value);
        // yield so the kernel can send updates and answer the browser during long fits
        await new Promise((r) => setImmediate(r));
      },
      onTrainEnd: async () => this.flush(),
    };
  }

  /** Points held per series right now (never more than maxPoints). */
  pointCounts(): Record<string, number> {
    return Object.fromEntries([...this.series].map(([name, s]) => [name, s.length]));
  }

  /** Sends pending points now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.isLive) {
      this.updatesSent++;
      this.push({ series: this.seriesState() });
    }
    // measured after sending, so consecutive sends are at least throttleMs apart however long one takes
    this.lastSent = performance.now();
  }

  /** Shows the monitor under `id`, or refreshes the static picture of an earlier show() with the same id. */
  async show(id = `tensorscope-monitor-${this.modelId}`): Promise<void> {
    await display(this, { id });
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = this.lastSent + this.throttleMs - performance.now();
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // Node's millisecond timers may fire a fraction of a millisecond early: never send before the gap is over
        if (performance.now() < this.lastSent + this.throttleMs) this.schedule();
        else this.flush();
      },
      Math.max(0, Math.ceil(wait)),
    );
    this.timer.unref?.();
  }

  private seriesState(): SeriesMap {
    return Object.fromEntries([...this.series].map(([name, s]) => [name, s.toTuples()]));
  }

  protected dataState(): Record<string, unknown> {
    return {
      title: this.title,
      series: this.seriesState(),
      smoothing: this.smoothing,
      max_points: this.maxPoints,
    };
  }

  protected override applyUpdate(state: Record<string, unknown>): void {
    if (typeof state.smoothing === "number" && state.smoothing >= 0 && state.smoothing < 1)
      this.smoothing = state.smoothing;
  }

  protected staticBundle(): MimeBundle {
    const series = this.seriesState();
    const png = drawPng(560, 260, (ctx) =>
      drawCurves(ctx, { left: 50, top: 10, width: 490, height: 220 }, series, this.smoothing, "step"),
    );
    const last = Object.entries(series).map(
      ([name, points]) => `${name} ${points.length ? points[points.length - 1][1].toPrecision(4) : "-"}`,
    );
    return pngBundle(
      png,
      `TrainingMonitor ${JSON.stringify(this.title)}: ${last.join(", ") || "no points yet"}`,
    );
  }
}

function numericLogs(logs: Logs): [string, number][] {
  if (!logs) return [];
  const out: [string, number][] = [];
  for (const [key, value] of Object.entries(logs)) {
    if (typeof value === "number") out.push([key, value]);
    else if (value && typeof value.dataSync === "function") out.push([key, Number(value.dataSync()[0])]);
  }
  return out;
}
