// summary(model, options): torchinfo's table for TensorFlow.js models, as a value that renders itself in
// notebooks (text and collapsible HTML) and serialises to JSON.
import { tf } from "../backend";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { collectLayersModel } from "./collect";
import { buildSummaryData } from "./data";
import { collectGraphModel } from "./graph-model";
import { resolveInputSize, resolveOptions } from "./options";
import { renderHtml } from "./render-html";
import { renderText } from "./render-text";
import type { Collected, SummaryData, SummaryOptions } from "./types";
import type { Displayable } from "../display";
import { makeInteractive } from "../interactive";
import { isGraphModel } from "../model";

export type { ColumnName, Shape, SummaryOptions, SummaryRow, SummaryTotals } from "./types";

/** The result of summary(): the data behind the table, its text, and its notebook rendering. */
export class ModelSummary {
  readonly rows: SummaryData["rows"];
  readonly totals: SummaryData["totals"];
  readonly totalParams: number;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Sum over every leaf layer call; NaN when shapes are not fully known. */
  readonly totalMultAdds: number;
  readonly #data: SummaryData;

  constructor(data: SummaryData) {
    this.#data = data;
    this.rows = data.rows;
    this.totals = data.totals;
    this.totalParams = data.totals.totalParams;
    this.trainableParams = data.totals.trainableParams;
    this.nonTrainableParams = data.totals.nonTrainableParams;
    this.totalMultAdds = data.shapesKnown ? data.totals.totalMultAdds : NaN;
  }

  toString(): string {
    return renderText(this.#data);
  }

  toJSON() {
    const { rows, allRows, totals, shapesKnown, options } = this.#data;
    return { rows, allRows, totals, shapesKnown, options };
  }

  [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/plain": this.toString(), "text/html": renderHtml(this.#data) };
  }
}

function collect(model: tf.LayersModel | tf.GraphModel, options: SummaryOptions): Collected {
  if (isGraphModel(model)) return collectGraphModel(model, options.inputSize);
  if (!(model instanceof tf.LayersModel)) {
    throw new TypeError(
      "summary: expected a tf.LayersModel (tf.sequential, tf.model, tf.loadLayersModel) or a tf.GraphModel " +
        "(tf.loadGraphModel); wrap a single layer with tf.sequential({ layers: [layer] })",
    );
  }
  if (model.inputs.length === 0) {
    throw new Error(
      `summary: model "${model.name}" was never built and has no input shape. Give its first layer an ` +
        "inputShape, e.g. tf.sequential({ layers: [tf.layers.dense({ units: 8, inputShape: [4] })] })",
    );
  }
  const declared = model.inputs.map((t) => t.shape);
  const names = model.inputs.map((t) => t.name);
  const inputShapes = resolveInputSize(options.inputSize, declared, names);
  return collectLayersModel(model, inputShapes);
}

/**
 * torchinfo's summary for a TensorFlow.js model, computed by static shape inference (nothing runs).
 *
 * @example
 * summary(models.resnet18(), { inputSize: [1, 224, 224, 3], columns: ["outputSize", "numParams", "multAdds"] })
 */
export function summary(
  model: tf.LayersModel | tf.GraphModel,
  options: SummaryOptions & { interactive: true },
): Displayable;
export function summary(model: tf.LayersModel | tf.GraphModel, options?: SummaryOptions): ModelSummary;
export function summary(
  model: tf.LayersModel | tf.GraphModel,
  options: SummaryOptions = {},
): ModelSummary | Displayable {
  if (options.interactive) {
    const { interactive: _interactive, ...staticOptions } = options;
    return makeInteractive("summary", model, staticOptions);
  }
  // a graph's rows are told apart by their scope names, so they are shown unless asked not to be
  const resolved = resolveOptions(isGraphModel(model) ? { varNames: true, ...options } : options);
  return new ModelSummary(buildSummaryData(collect(model, options), resolved));
}
