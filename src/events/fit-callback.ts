// A model.fit callback that logs losses and metrics to a SummaryWriter per batch or per epoch (the counterpart
// of Keras' TensorBoard callback and of a PyTorch loop calling add_scalar), optionally with weight histograms.
import { tf } from "../backend";
import type { SummaryWriter } from "./writer";

export interface FitCallbackOptions {
  /** Log every batch ("batch") or once per epoch ("epoch", the default). Epoch logs are always written. */
  updateFreq?: "batch" | "epoch";
  /** Every this many epochs, a histogram of every weight (tag "<weight name>"); 0 (default) turns them off. */
  histogramFreq?: number;
}

type Logs = Record<string, number | tf.Tensor>;

class SummaryWriterCallback extends tf.Callback {
  private batchStep = 0;

  constructor(
    private readonly writer: SummaryWriter,
    private readonly options: Required<FitCallbackOptions>,
  ) {
    super();
  }

  private logAll(prefix: string, logs: Logs | undefined, step: number): void {
    for (const [name, value] of Object.entries(logs ?? {})) {
      if (name === "batch" || name === "size") continue;
      const number = typeof value === "number" ? value : value.dataSync()[0];
      this.writer.addScalar(`${prefix}/${name}`, number, step);
    }
  }

  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    if (this.options.updateFreq === "batch") this.logAll("batch", logs, this.batchStep);
    this.batchStep++;
  }

  override async onEpochEnd(epoch: number, logs?: Logs): Promise<void> {
    this.logAll("epoch", logs, epoch);
    const freq = this.options.histogramFreq;
    if (freq > 0 && epoch % freq === 0) this.logWeights(epoch);
  }

  private logWeights(epoch: number): void {
    const model = this.model as unknown as tf.LayersModel;
    for (const weight of model.weights)
      this.writer.addHistogram(weight.originalName ?? weight.name, weight.read(), epoch);
  }

  override async onTrainEnd(): Promise<void> {
    this.writer.flush();
  }
}

/** `model.fit(x, y, { callbacks: [fitCallback(writer, { updateFreq: "batch" })] })`. */
export function fitCallback(writer: SummaryWriter, options: FitCallbackOptions = {}): tf.Callback {
  if (!writer || typeof (writer as { addScalar?: unknown }).addScalar !== "function") {
    throw new TypeError("fitCallback expects a SummaryWriter as its first argument");
  }
  const updateFreq = options.updateFreq ?? "epoch";
  if (updateFreq !== "batch" && updateFreq !== "epoch") {
    throw new RangeError(`fitCallback: updateFreq must be "batch" or "epoch", got ${String(updateFreq)}`);
  }
  const histogramFreq = options.histogramFreq ?? 0;
  if (!Number.isInteger(histogramFreq) || histogramFreq < 0) {
    throw new RangeError(`fitCallback: histogramFreq must be a non-negative integer, got ${histogramFreq}`);
  }
  return new SummaryWriterCallback(writer, { updateFreq, histogramFreq });
}
