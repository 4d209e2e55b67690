// SummaryWriter: PyTorch's torch.utils.tensorboard.SummaryWriter in camelCase, writing TensorBoard event files
// without TensorFlow. Every argument is checked at the call, so bad input never surfaces later in a flush.
import { MediaWriter } from "./writer-media";
import { isS3Url, joinLogdir } from "./s3";
import {
  appendScalarEvent,
  graphEventPayload,
  histogramValue,
  imageValue,
  prCurveValue,
  textValue,
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
import { graphModelToGraphDef } from "./graph-def";
import type { tf } from "../backend";
import { isGraphModel } from "../model";
import { checkDomains, checkHparams, hparamsSummaryValues, type HparamValue } from "./hparams";
import {
  projectorConfigText,
  writeEmbedding,
  localFileWriter,
  type EmbeddingEntry,
  type EmbeddingMatrix,
  type EmbeddingOptions,
} from "./embedding";
import { computePrCurve, prCurveRows, prCurveRowsOf, type PrCurveCounts } from "./pr-curve";
import { figureToPng, type FigureInput } from "./figure";
import { newStyleScalarValue } from "./encode-kinds";
import { binEdges, type Bins } from "./histogram-bins";
import {
  checkStep,
  checkTag,
  scalarOf,
  valuesOf,
  wallTimeOf,
  type ScalarInput,
  type ValuesInput,
} from "./writer-args";

export { defaultLogdir, type ScalarInput, type ValuesInput } from "./writer-args";

export type { SummaryWriterOptions } from "./writer-core";

export interface ScalarOptions {
  wallTime?: number;
  /** Write a rank-0 tensor with plugin "scalars" (tf.summary.scalar's format) instead of a simple_value. */
  newStyle?: boolean;
  /** With newStyle: a float64 tensor instead of float32. */
  doublePrecision?: boolean;
}

export class SummaryWriter extends MediaWriter {
  private readonly embeddings: EmbeddingEntry[] = [];

  /**
   * Logs one scalar. NaN and ±Infinity are stored as they are (TensorBoard and our views show them as gaps).
   * `newStyle` writes it as tf.summary.scalar does (a rank-0 tensor; with `doublePrecision` a float64 one,
   * which TensorBoard's Python loader reads and its Rust data server skips).
   */
  addScalar(tag: string, value: ScalarInput, step?: number, options?: number | ScalarOptions): void {
    checkTag(tag, "addScalar");
    const {
      wallTime,
      newStyle = false,
      doublePrecision = false,
    } = typeof options === "object" && options !== null ? options : { wallTime: options };
    const v = scalarOf(value, "addScalar");
    const s = checkStep(step, "addScalar");
    const t = wallTimeOf(wallTime, "addScalar");
    if (newStyle) this.appendSummary(this.file(), s, t, [newStyleScalarValue(tag, v, doublePrecision)]);
    else appendScalarEvent(this.file(), tag, v, s, t);
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
        this.subFile(joinLogdir(this.logdir, `${mainTag.replace(/\//g, "_")}_${key}`)),
        mainTag,
        v,
        s,
        t,
      );
    }
  }

  /**
   * A histogram of `values`, binned as PyTorch's add_histogram: `bins` "tensorflow" (default), a numpy estimator
   * ("auto", "fd", "sturges", ...), a bin count or explicit edges.
   */
  addHistogram(
    tag: string,
    values: ValuesInput,
    step?: number,
    options?: number | { bins?: Bins; wallTime?: number },
  ): void {
    checkTag(tag, "addHistogram");
    const { wallTime, bins = "tensorflow" } =
      typeof options === "object" && options !== null ? options : { wallTime: options };
    const numbers = valuesOf(values, "addHistogram");
    const histogram = makeHistogram(numbers, binEdges(numbers, bins));
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
    options: { runName?: string; step?: number; hparamDomainDiscrete?: Record<string, HparamValue[]> } = {},
  ): void {
    const checked = checkHparams(hparams);
    const domains = checkDomains(checked, options.hparamDomainDiscrete);
    if (metrics === null || typeof metrics !== "object")
      throw new TypeError("addHparams: metrics must be an object");
    for (const [name, v] of Object.entries(metrics)) {
      if (typeof v !== "number")
        throw new TypeError(`addHparams: metric "${name}" must be a number, got ${typeof v}`);
    }
    const step = checkStep(options.step, "addHparams");
    const file = this.subFile(joinLogdir(this.logdir, options.runName ?? String(Date.now() / 1000)));
    const wallTime = Date.now() / 1000;
    for (const value of hparamsSummaryValues(checked, Object.keys(metrics), domains))
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
    const write = isS3Url(this.logdir) ? this.uploadFile() : localFileWriter(this.logdir);
    this.embeddings.push(writeEmbedding(this.logdir, mat, { ...options, step }, write));
    write("projector_config.pbtxt", projectorConfigText(this.embeddings));
  }

  /**
   * A figure as an image: a vega-lite spec (the JS counterpart of a matplotlib figure), an SVG string (from d3,
   * Plotly, Observable Plot...) or a canvas (@napi-rs/canvas, node-canvas, or anything with toBuffer/toDataURL).
   */
  async addFigure(tag: string, figure: FigureInput, step?: number, wallTime?: number): Promise<void> {
    checkTag(tag, "addFigure");
    const s = checkStep(step, "addFigure");
    const t = wallTimeOf(wallTime, "addFigure");
    const { png, width, height } = await figureToPng(figure);
    this.appendSummary(this.file(), s, t, [imageValue(tag, png, width, height)]);
  }
}

/**
 * A LayersModel's layers as name scopes (graph.ts), or a GraphModel's own GraphDef. Anything else with `layers`
 * (a layer list) takes the layers path, as before.
 */
function graphDefOf(model: ModelLike | tf.LayersModel | tf.GraphModel): Uint8Array {
  return isGraphModel(model) ? graphModelToGraphDef(model, "addGraph") : modelToGraphDef(model as ModelLike);
}
