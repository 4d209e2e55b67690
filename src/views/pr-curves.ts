// prCurves(): the precision-recall curves of a tag in every run that has it (one colour per run) with a step
// slider (a vega-lite param), as TensorBoard's PR Curves tab shows add_pr_curve logs. The text beside the chart gives, per step, the best F1 score and the
// threshold that reaches it.
import type { PrCurve } from "../events/pr-curve";
import { runFilter, runsWithTag, runsOf, type NameFilter, type RunsSource } from "./source";
import { VegaLiteChart, formatNumber, oneStepAtATime, stepSpans, textTable, unionSteps } from "./chart";
import type { StepPoint } from "../events/logdir";

export interface PrCurvesOptions {
  /** One run to show (default: every run that has the tag, one colour each). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
  width?: number;
  height?: number;
}

/** One threshold of one step's curve, as a row of the chart's data. */
export interface PrPoint {
  run: string;
  step: number;
  /** The slider positions (over the steps of all runs shown) at which this step is the run's shown one. */
  index: number;
  until: number;
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

type CurvePoints = { step: number; value: PrCurve }[];

/** The chart's rows: every run's steps' thresholds up to the last where anything is predicted positive. */
export function prCurvePoints(runs: Map<string, CurvePoints>): PrPoint[] {
  const allSteps = unionSteps([...runs.values()].map((points) => points.map((p) => p.step)));
  return [...runs].flatMap(([run, points]) => curveRows(run, points, allSteps));
}

function curveRows(run: string, points: CurvePoints, allSteps: number[]): PrPoint[] {
  const spans = stepSpans(
    allSteps,
    points.map((p) => p.step),
  );
  return points.flatMap(({ step, value }, k) =>
    value.thresholds.slice(0, drawnThresholds(value)).map((threshold, i) => ({
      run,
      step,
      ...spans[k],
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
      color: { field: "run", type: "nominal", title: "run" },
      tooltip: [
        { field: "run", type: "nominal" },
        { field: "step", type: "quantitative" },
        ...[
          "threshold",
          "precision",
          "recall",
          "truePositives",
          "falsePositives",
          "trueNegatives",
          "falseNegatives",
        ].map((field) => ({ field, type: "quantitative", format: ".4~g" })),
      ],
    },
  };
}

export class PrCurvesView extends VegaLiteChart {
  constructor(
    readonly runs: string[],
    readonly tag: string,
    readonly curves: Map<string, CurvePoints>,
    options: PrCurvesOptions,
  ) {
    const steps = unionSteps([...curves.values()].map((list) => list.map((p) => p.step)));
    const table = textTable(
      ["run", "step", "thresholds", "best F1", "at threshold", "precision", "recall"],
      [...curves].flatMap(([run, list]) =>
        list.map(({ step, value }) => {
          const best = bestF1(value);
          return [
            run,
            String(step),
            String(value.thresholds.length),
            ...[best?.f1, best?.threshold, best?.precision, best?.recall].map(formatNumber),
          ];
        }),
      ),
    );
    const data = prCurvePoints(curves);
    const where =
      runs.length === 1 ? `run ${JSON.stringify(runs[0])}` : `${runs.length} runs (${runs.join(", ")})`;
    // The still image shows the last step; the slider only exists where vega-lite runs.
    super(
      spec(data, steps, tag, options),
      `PR curves of ${JSON.stringify(tag)} in ${where} (${steps.length} steps)\n${table}`,
      spec(data, steps, tag, options, steps.length - 1),
    );
  }

  /** The one run shown, or the first of several. */
  get run(): string {
    return this.runs[0];
  }

  /** The curves of the first run shown. */
  get points(): CurvePoints {
    return this.curves.get(this.runs[0])!;
  }
}

const byStep = <T>(points: StepPoint<T>[]): StepPoint<T>[] => [...points].sort((a, b) => a.step - b.step);

/** `prCurves("runs", "classifier")`: the precision-recall curve logged by addPrCurve at each step, with a slider. */
export function prCurves(source: RunsSource, tag: string, options: PrCurvesOptions = {}): PrCurvesView {
  const runs = runsWithTag(
    runsOf(source, "prCurves"),
    tag,
    (r) => r.prCurves,
    "prCurves",
    runFilter(options, "prCurves"),
  );
  const curves = new Map(runs.map((run) => [run.name, byStep(run.prCurves.get(tag)!)]));
  return new PrCurvesView(
    runs.map((r) => r.name),
    tag,
    curves,
    options,
  );
}
