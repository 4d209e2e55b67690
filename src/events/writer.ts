// SummaryWriter: PyTorch's torch.utils.tensorboard.SummaryWriter in camelCase, writing TensorBoard event files
// without TensorFlow. Every argument is checked at the call, so bad input never surfaces later in a flush.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EventFileWriter } from "./file-writer";
import {
  appendScalarEvent,
  graphEventPayload,
  histogramValue,
  imageValue,
  prCurveValue,
  summaryEventPayload,
  textValue,
  type SummaryValueInit,
} from "./encode";
import { makeHistogram } from "./histogram";
import {
  imageToRgba,
  imagesToGrid,
  type ImageFormat,
  type ImageInput,
  type ImagesFormat,
} from "./image-input";
import { encodePng, type RgbaImage } from "../image/png";
import { modelToGraphDef, type ModelLike } from "./graph";
import { graphNodesToGraphDef } from "./graph-def";
import type { tf } from "../backend";
import { GraphModelAdapter, inspectModel, isGraphModel } from "../model";
import { graphOf } from "../model/graph-topology";
import { checkHparams, hparamsSummaryValues } from "./hparams";
import {
  projectorConfigText,
  writeEmbedding,
  type EmbeddingEntry,
  type EmbeddingMatrix,
  type EmbeddingOptions,
} from "./embedding";
import { computePrCurve, prCurveRows, prCurveRowsOf, type PrCurveCounts } from "./pr-curve";
import { renderPng, type VegaLiteSpec } from "../views/render";
import {
  checkStep,
  checkTag,
  defaultLogdir,
  scalarOf,
  valuesOf,
  wallTimeOf,
  type ScalarInput,
  type ValuesInput,
} from "./writer-args";

export { defaultLogdir, type ScalarInput, type ValuesInput } from "./writer-args";

export interface SummaryWriterOptions {
  /** Seconds between automatic flushes of buffered events (default 2). */
  flushSecs?: number;
  /** Appended to the default logdir name, as PyTorch's `comment`. */
  comment?: string;
  filenameSuffix?: string;
}

export class SummaryWriter {
  readonly logdir: string;
  private readonly options: SummaryWriterOptions;
  private main: EventFileWriter;
  private readonly subWriters = new Map<string, EventFileWriter>();
  private readonly embeddings: EmbeddingEntry[] = [];

  constructor(logdir?: string, options: SummaryWriterOptions = {}) {
    if (logdir !== undefined && typeof logdir !== "string") {
      throw new TypeError(`SummaryWriter: logdir must be a string path, got ${String(logdir)}`);
    }
    this.logdir = logdir ?? defaultLogdir(options.comment ?? "");
    this.options = options;
    this.main = this.openFile(this.logdir);
  }

  getLogdir(): string {
    return this.logdir;
  }

  private openFile(dir: string): EventFileWriter {
    return new EventFileWriter(dir, {
      flushSecs: this.options.flushSecs,
      filenameSuffix: this.options.filenameSuffix,
    });
  }

  /** The main file; after close() PyTorch starts a new file on the next write, and so do we. */
  private file(): EventFileWriter {
    if (this.main.closed) this.main = this.openFile(this.logdir);
    return this.main;
  }

  private subFile(dir: string): EventFileWriter {
    let writer = this.subWriters.get(dir);
    if (!writer || writer.closed) {
      writer = this.openFile(dir);
      this.subWriters.set(dir, writer);
    }
    return writer;
  }

  private appendSummary(
    file: EventFileWriter,
    step: number,
    wallTime: number,
    values: SummaryValueInit[],
  ): void {
    file.appendPayload(summaryEventPayload(wallTime, step, values));
  }

  /** Logs one scalar. NaN and ±Infinity are stored as they are (TensorBoard and our views show them as gaps). */
  addScalar(tag: string, value: ScalarInput, step?: number, wallTime?: number): void {
    checkTag(tag, "addScalar");
    appendScalarEvent(
      this.file(),
      tag,
      scalarOf(value, "addScalar"),
      checkStep(step, "addScalar"),
      wallTimeOf(wallTime, "addScalar"),
    );
  }

  /** Like PyTorch: one sub-run `<logdir>/<mainTag with / as _>_<key>` per key, each holding tag `mainTag`. */
  addScalars(mainTag: string, values: Record<string, ScalarInput>, step?: number, wallTime?: number): void {
    checkTag(mainTag, "addScalars");
    if (values === null || typeof values !== "object")
      throw new TypeError("addScalars: values must be an object");
    const s = checkStep(step, "addScalars");
    const t = wallTimeOf(wallTime, "addScalars");
    const entries = Object.entries(values).map(([key, v]) => [key, scalarOf(v, "addScalars")] as const);
    for (const [key, v] of entries) {
      appendScalarEvent(
        this.subFile(join(this.logdir, `${mainTag.replace(/\//g, "_")}_${key}`)),
        mainTag,
        v,
        s,
        t,
      );
    }
  }

  addHistogram(tag: string, values: ValuesInput, step?: number, wallTime?: number): void {
    checkTag(tag, "addHistogram");
    const histogram = makeHistogram(valuesOf(values, "addHistogram"));
    this.appendSummary(this.file(), checkStep(step, "addHistogram"), wallTimeOf(wallTime, "addHistogram"), [
      histogramValue(tag, histogram),
    ]);
  }

  private appendImage(tag: string, image: RgbaImage, step: number, wallTime: number): void {
    const png = encodePng(image);
    this.appendSummary(this.file(), step, wallTime, [imageValue(tag, png, image.width, image.height)]);
  }

  /** One image: [C,H,W] (default), [H,W,C] or [H,W]; floats in [0,1] or bytes (int32 tensor / Uint8Array). */
  addImage(
    tag: string,
    image: ImageInput,
    step?: number,
    options: { dataformats?: ImageFormat; wallTime?: number } = {},
  ): void {
    checkTag(tag, "addImage");
    const s = checkStep(step, "addImage");
    const t = wallTimeOf(options.wallTime, "addImage");
    this.appendImage(tag, imageToRgba(image, options.dataformats ?? "CHW"), s, t);
  }

  /** A batch [N,C,H,W] (default) or [N,H,W,C], tiled into a grid of 8 columns as PyTorch does. */
  addImages(
    tag: string,
    images: ImageInput,
    step?: number,
    options: { dataformats?: ImagesFormat; wallTime?: number } = {},
  ): void {
    checkTag(tag, "addImages");
    const s = checkStep(step, "addImages");
    const t = wallTimeOf(options.wallTime, "addImages");
    this.appendImage(tag, imagesToGrid(images, options.dataformats ?? "NCHW"), s, t);
  }

  /** Markdown text, stored as PyTorch's add_text does (tag "<tag>/text_summary"). */
  addText(tag: string, text: string, step?: number, wallTime?: number): void {
    checkTag(tag, "addText");
    if (typeof text !== "string") throw new TypeError(`addText: text must be a string, got ${typeof text}`);
    this.appendSummary(this.file(), checkStep(step, "addText"), wallTimeOf(wallTime, "addText"), [
      textValue(tag, text),
    ]);
  }

  /** The model's layer graph for TensorBoard's Graphs tab. */
  addGraph(model: ModelLike | tf.LayersModel | tf.GraphModel): void {
    this.file().appendPayload(graphEventPayload(Date.now() / 1000, graphDefOf(model)));
  }

  /**
   * Hyperparameters and final metrics for TensorBoard's HParams tab, in a sub-run `<logdir>/<runName>` (default:
   * the current time, as PyTorch) holding the hparams summaries and each metric as a scalar.
   */
  addHparams(
    hparams: Record<string, number | string | boolean | undefined>,
    metrics: Record<string, number>,
    options: { runName?: string; step?: number } = {},
  ): void {
    const checked = checkHparams(hparams);
    if (metrics === null || typeof metrics !== "object")
      throw new TypeError("addHparams: metrics must be an object");
    for (const [name, v] of Object.entries(metrics)) {
      if (typeof v !== "number")
        throw new TypeError(`addHparams: metric "${name}" must be a number, got ${typeof v}`);
    }
    const step = checkStep(options.step, "addHparams");
    const file = this.subFile(join(this.logdir, options.runName ?? String(Date.now() / 1000)));
    const wallTime = Date.now() / 1000;
    for (const value of hparamsSummaryValues(checked, Object.keys(metrics)))
      this.appendSummary(file, step, wallTime, [value]);
    for (const [tag, v] of Object.entries(metrics)) appendScalarEvent(file, tag, v, step, wallTime);
  }

  /**
   * A precision-recall curve of binary `labels` (0/1 or booleans) against `predictions` in [0, 1], as PyTorch's
   * add_pr_curve computes it (default 127 thresholds; PyTorch also caps it there, we do not).
   */
  addPrCurve(
    tag: string,
    labels: ValuesInput | ArrayLike<boolean>,
    predictions: ValuesInput,
    step?: number,
    options: { numThresholds?: number; weights?: number | ValuesInput; wallTime?: number } = {},
  ): void {
    checkTag(tag, "addPrCurve");
    const { numThresholds = 127, weights = 1 } = options;
    const curve = computePrCurve(
      valuesOf(labels, "addPrCurve"),
      valuesOf(predictions, "addPrCurve"),
      numThresholds,
      typeof weights === "number" ? weights : valuesOf(weights, "addPrCurve"),
      "addPrCurve",
    );
    this.appendPrCurve(tag, prCurveRows(curve), step, options.wallTime, "addPrCurve");
  }

  /** A PR curve from counts computed elsewhere (PyTorch's add_pr_curve_raw): six arrays of one length. */
  addPrCurveRaw(tag: string, counts: PrCurveCounts, step?: number, wallTime?: number): void {
    checkTag(tag, "addPrCurveRaw");
    this.appendPrCurve(tag, prCurveRowsOf(counts, "addPrCurveRaw"), step, wallTime, "addPrCurveRaw");
  }

  private appendPrCurve(
    tag: string,
    rows: number[],
    step: number | undefined,
    wallTime: number | undefined,
    method: string,
  ): void {
    const s = checkStep(step, method);
    const t = wallTimeOf(wallTime, method);
    this.appendSummary(this.file(), s, t, [prCurveValue(tag, rows, rows.length / 6)]);
  }

  /**
   * Points for TensorBoard's projector, as PyTorch's add_embedding: files beside the event files (see
   * embedding.ts), listed in <logdir>/projector_config.pbtxt, which is rewritten with every embedding of this writer.
   */
  addEmbedding(mat: EmbeddingMatrix, options: EmbeddingOptions = {}): void {
    if (options.tag !== undefined) checkTag(options.tag, "addEmbedding");
    const step = checkStep(options.step, "addEmbedding");
    this.embeddings.push(writeEmbedding(this.logdir, mat, { ...options, step }));
    writeFileSync(join(this.logdir, "projector_config.pbtxt"), projectorConfigText(this.embeddings));
  }

  /** A vega-lite spec (the JS counterpart of a matplotlib figure) rendered to a PNG image. */
  async addFigure(tag: string, spec: VegaLiteSpec, step?: number, wallTime?: number): Promise<void> {
    checkTag(tag, "addFigure");
    const s = checkStep(step, "addFigure");
    const t = wallTimeOf(wallTime, "addFigure");
    const { png, width, height } = await renderPng(spec, 1);
    this.appendSummary(this.file(), s, t, [imageValue(tag, png, width, height)]);
  }

  /** Writes everything buffered to disk now. */
  flush(): void {
    this.main.flush();
    for (const writer of this.subWriters.values()) writer.flush();
  }

  /** Flushes and closes every file of this writer (sub-runs included). Closing twice does nothing. */
  close(): void {
    this.main.close();
    for (const writer of this.subWriters.values()) writer.close();
  }
}

/**
 * A LayersModel's layers as name scopes (graph.ts), or a GraphModel's own GraphDef. Anything else with `layers`
 * (a layer list) takes the layers path, as before.
 */
function graphDefOf(model: ModelLike | tf.LayersModel | tf.GraphModel): Uint8Array {
  if (!isGraphModel(model)) return modelToGraphDef(model as ModelLike);
  const adapter = inspectModel(model, "addGraph") as GraphModelAdapter;
  const graph = graphOf(model);
  const nodes = Object.values(graph.nodes) as unknown as {
    name: string;
    op: string;
    inputNames: string[];
    rawAttrs?: Record<string, unknown>;
  }[];
  const shapeOf = new Map(adapter.nodes().map((n) => [n.name, n]));
  return graphNodesToGraphDef(
    nodes.map((n) => {
      const node = shapeOf.get(n.name);
      return { ...n, shape: node ? adapter.outputShape(node) : null };
    }),
    producerOf(model),
  );
}

function producerOf(model: tf.GraphModel): number {
  const versions = (
    model as unknown as { artifacts?: { modelTopology?: { versions?: { producer?: number } } } }
  ).artifacts?.modelTopology?.versions;
  return versions?.producer ?? 22;
}
