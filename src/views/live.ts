// A live training chart: liveScalars(logdir) re-reads only what was appended (Logdir.reload tails each file)
// and re-displays itself under one display id, so the notebook output updates in place while model.fit runs.
import { tf } from "../backend";
import { DISPLAY_SYMBOL, display, type MimeBundle } from "../display";
import { Logdir } from "../events/logdir";
import type { SummaryWriter } from "../events/writer";
import { ScalarsView, scalarRows, type ScalarsOptions } from "./scalars";

export interface LiveScalarsOptions extends ScalarsOptions {
  /** Display id shared by every update (default "tensorscope-live-<n>"). */
  id?: string;
  /** Minimum milliseconds between two redraws from the fit callback (default 1000). */
  intervalMs?: number;
}

let liveCounter = 0;

export class LiveScalars {
  readonly id: string;
  private readonly logdir: Logdir;
  private lastDraw = -Infinity;

  constructor(
    dir: string,
    private readonly options: LiveScalarsOptions = {},
  ) {
    if (typeof dir !== "string") throw new TypeError(`liveScalars expects a logdir path, got ${String(dir)}`);
    this.id = options.id ?? `tensorscope-live-${liveCounter++}`;
    this.logdir = new Logdir(dir);
  }

  /** Reads what was appended since the last call and returns the chart of everything so far. */
  view(): ScalarsView {
    this.logdir.reload();
    // Tags named before training has logged them are not an error here: the chart fills in as they arrive.
    const { rows, series } = scalarRows([...this.logdir.runs.values()], this.options, true);
    return new ScalarsView(rows, series, this.options);
  }

  /** Shows the current chart, replacing the previous output with the same id. */
  async refresh(): Promise<void> {
    this.lastDraw = performance.now();
    await display(this.view(), { id: this.id });
  }

  /** A model.fit callback that flushes `writer` and redraws at most every intervalMs, and once at the end. */
  callback(writer?: SummaryWriter): tf.Callback {
    const interval = this.options.intervalMs ?? 1000;
    const maybeRefresh = async (force: boolean): Promise<void> => {
      if (!force && performance.now() - this.lastDraw < interval) return;
      writer?.flush();
      await this.refresh();
    };
    class LiveCallback extends tf.Callback {
      override async onBatchEnd(): Promise<void> {
        await maybeRefresh(false);
      }
      override async onEpochEnd(): Promise<void> {
        await maybeRefresh(false);
      }
      override async onTrainEnd(): Promise<void> {
        await maybeRefresh(true);
      }
    }
    return new LiveCallback();
  }

  [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    return this.view()[DISPLAY_SYMBOL]();
  }
}

/** `const live = liveScalars("runs"); model.fit(x, y, { callbacks: [fitCallback(w, {updateFreq: "batch"}), live.callback(w)] })`. */
export function liveScalars(dir: string, options: LiveScalarsOptions = {}): LiveScalars {
  return new LiveScalars(dir, options);
}
