// SummaryView: the model summary table (src/summary) with expandable levels: containers open and close in
// the browser. The static bundle is the summary's own text and HTML.
import { tf } from "../../src/backend";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../src/display";
import { summary, type ModelSummary } from "../../src/summary";
import type { SummaryOptions, SummaryRow } from "../../src/summary/types";
import type { SummaryViewRow } from "./shared/protocol";
import { LiveWidget } from "./widget";

export interface SummaryViewOptions extends SummaryOptions {
  title?: string;
  /** Levels shown expanded at first (default 1: the model's own layers). */
  expandedDepth?: number;
}

export type { SummaryViewRow };

function shapeText(shapes: (number | null)[][]): string {
  return shapes.map((s) => `[${s.map((d) => (d === null ? "?" : d)).join(", ")}]`).join(", ");
}

function paramsText(row: SummaryRow): string {
  if (row.shownParams === null) return "--";
  return row.shownParams === "recursive" ? "(recursive)" : row.shownParams.toLocaleString("en-US");
}

export class SummaryView extends LiveWidget {
  protected readonly kind = "SummaryView";
  readonly title: string;
  readonly rows: SummaryViewRow[];
  private readonly result: ModelSummary;
  /** The summary at the caller's depth: its text and HTML are the static outputs. */
  private readonly staticResult: ModelSummary;
  private expandedDepth: number;

  constructor(model: tf.LayersModel | tf.GraphModel, options: SummaryViewOptions = {}) {
    super();
    // every level is collected; the widget decides what is open
    this.staticResult = summary(model, { varNames: true, ...options });
    this.result = summary(model, { ...options, depth: 100 });
    const all = (this.result.toJSON().allRows ?? this.result.rows) as SummaryRow[];
    this.rows = all.map((row) => ({
      depth: row.depth,
      type: row.className,
      name: row.name,
      output: shapeText(row.outputShapes),
      params: paramsText(row),
      container: row.isContainer,
    }));
    this.title = options.title ?? `summary of ${(model as { name?: string }).name ?? "model"}`;
    this.expandedDepth = options.expandedDepth ?? 1;
    if (!Number.isInteger(this.expandedDepth) || this.expandedDepth < 0) {
      throw new RangeError(
        `SummaryView: expandedDepth must be a non-negative integer, got ${this.expandedDepth}`,
      );
    }
  }

  protected dataState(): Record<string, unknown> {
    const t = this.result.totals;
    return {
      title: this.title,
      rows: this.rows,
      expanded_depth: this.expandedDepth,
      totals: `Total params: ${t.totalParams.toLocaleString("en-US")} · trainable: ${t.trainableParams.toLocaleString("en-US")} · non-trainable: ${t.nonTrainableParams.toLocaleString("en-US")}`,
    };
  }

  protected staticBundle(): MimeBundle {
    return this.staticResult[DISPLAY_SYMBOL]();
  }
}
