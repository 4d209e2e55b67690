// prCurves(): one run's precision-recall curves of a tag with a step slider (a vega-lite param), as TensorBoard's
// PR Curves tab shows add_pr_curve logs. The text beside the chart gives, per step, the best F1 score and the
// threshold that reaches it.
import type { PrCurve } from "../events/pr-curve";
import { runWithTag, runsOf, type RunsSource } from "./source";
import { VegaLiteChart, formatNumber, oneStepAtATime, textTable } from "./chart";

export interface PrCurvesOptions {
  /** The run to show (default: the first run that has the tag). */
  run?: string;
  width?: number;
  height?: number;
}

/** One threshold of one step's curve, as a row of the chart's data. */
export interface PrPoint {
  step: number;
  /** Position of the step in the list, what the slider moves over. */
  index: number;
  threshold: number;
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
}

export interface BestF1 {
  f1: number;
  threshold: number;
  precision: number;
  recall: number;
}

/** How many thresholds to draw: as TensorBoard, the tail where nothing is predicted positive (TP + FP = 0) goes. */
function drawnThresholds(curve: PrCurve): number {
  let end = curve.thresholds.length;
  while (end > 1 && curve.truePositives[end - 1] + curve.falsePositives[end - 1] === 0) end--;
  return end;
}

/** The chart's rows: every step's thresholds up to the last where anything is predicted positive. */
export function prCurvePoints(points: { step: number; value: PrCurve }[]): PrPoint[] {
  return points.flatMap(({ step, value }, index) =>
    value.thresholds.slice(0, drawnThresholds(value)).map((threshold, i) => ({
      step,
      index,
      threshold,
      precision: value.precision[i],
      recall: value.recall[i],
      truePositives: value.truePositives[i],
      falsePositives: value.falsePositives[i],
      trueNegatives: value.trueNegatives[i],
      falseNegatives: value.falseNegatives[i],
    })),
  );
}

/** The threshold with the highest F1 = 2PR / (P + R); the lowest such threshold on ties; null if all are 0. */
export function bestF1(curve: PrCurve): BestF1 | null {
  let best: BestF1 | null = null;
  curve.thresholds.forEach((threshold, i) => {
    const [precision, recall] = [curve.precision[i], curve.recall[i]];
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    if (f1 > 0 && (best === null || f1 > best.f1)) best = { f1, threshold, precision, recall };
  });
  return best;
}

function spec(
  data: PrPoint[],
  steps: number[],
  tag: string,
  options: PrCurvesOptions,
  fixedIndex?: number,
): Record<string, unknown> {
  const unit = { type: "quantitative", scale: { domain: [0, 1] } };
  return {
    data: { values: data },
    ...oneStepAtATime(tag, steps, fixedIndex),
    width: options.width ?? 320,
    height: options.height ?? 320,
    mark: { type: "line", point: { size: 12 }, tooltip: true },
    encoding: {
      x: { field: "recall", title: "recall", ...unit },
      y: { field: "precision", title: "precision", ...unit },
      order: { field: "threshold", type: "quantitative" },
      tooltip: [
        "threshold",
        "precision",
        "recall",
        "truePositives",
        "falsePositives",
        "trueNegatives",
        "falseNegatives",
      ].map((field) => ({ field, type: "quantitative", format: ".4~g" })),
    },
  };
}

export class PrCurvesView extends VegaLiteChart {
  constructor(
    readonly run: string,
    readonly tag: string,
    readonly points: { step: number; value: PrCurve }[],
    options: PrCurvesOptions,
  ) {
    const steps = points.map((p) => p.step);
    const table = textTable(
      ["step", "thresholds", "best F1", "at threshold", "precision", "recall"],
      points.map(({ step, value }) => {
        const best = bestF1(value);
        return [
          String(step),
          String(value.thresholds.length),
          ...[best?.f1, best?.threshold, best?.precision, best?.recall].map(formatNumber),
        ];
      }),
    );
    const data = prCurvePoints(points);
    // The still image shows the last step; the slider only exists where vega-lite runs.
    super(
      spec(data, steps, tag, options),
      `PR curves of "${tag}" in run "${run}" (${steps.length} steps)\n${table}`,
      spec(data, steps, tag, options, steps.length - 1),
    );
  }
}

/** `prCurves("runs", "classifier")`: the precision-recall curve logged by addPrCurve at each step, with a slider. */
export function prCurves(source: RunsSource, tag: string, options: PrCurvesOptions = {}): PrCurvesView {
  const run = runWithTag(runsOf(source, "prCurves"), tag, (r) => r.prCurves, "prCurves", options.run);
  return new PrCurvesView(run.name, tag, run.prCurves.get(tag)!, options);
}
