// A rendered chart: the vega-lite v5 spec for notebooks with a vega renderer, an SVG drawn in the kernel for
// every other front end (and exported HTML, which drops vega outputs), and plain text beside them.
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { VEGA_LITE_MIME, VEGA_LITE_SCHEMA, renderSvg, svgToPng, type VegaLiteSpec } from "./render";
import { LogView } from "./view";

/** Above this an SVG is heavier for the notebook than the same chart as a PNG, so the PNG is sent instead. */
const MAX_SVG_BYTES = 1_000_000;

export class VegaLiteChart extends LogView {
  readonly spec: VegaLiteSpec;

  constructor(
    spec: VegaLiteSpec,
    readonly text: string,
    /** A spec for the static SVG when it must differ (e.g. no slider in a still image). */
    private readonly staticSpec: VegaLiteSpec = spec,
  ) {
    super();
    this.spec = { $schema: VEGA_LITE_SCHEMA, ...spec };
  }

  toSvg(): Promise<string> {
    return renderSvg(this.staticSpec);
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    const svg = await this.toSvg();
    const still =
      svg.length <= MAX_SVG_BYTES
        ? { "image/svg+xml": svg }
        : { "image/png": svgToPng(svg, 1).png.toString("base64") };
    return { "text/plain": this.text, [VEGA_LITE_MIME]: this.spec, ...still };
  }
}

/** Fixed-width text table; user strings are shown as they are (plain text needs no escaping). */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined) return "-";
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
    ? v.toExponential(3)
    : String(Number(v.toPrecision(5)));
}

/**
 * Steps are integers: an axis of steps has integer ticks only (no 0.5 between epochs 0 and 1). vega's tickMinStep
 * does not stop half steps on a short span, so there the tick values are given: every integer, or every other.
 */
export function stepAxis(steps: Iterable<number>): Record<string, unknown> {
  let [min, max] = [Infinity, -Infinity];
  for (const step of steps) [min, max] = [Math.min(min, step), Math.max(max, step)];
  if (!(max - min <= 20)) return { format: "d", tickMinStep: 1 };
  const every = max - min > 10 ? 2 : 1;
  const values: number[] = [];
  for (let v = Math.ceil(min); v <= Math.floor(max); v += every) values.push(v);
  return { format: "d", values };
}

/** Where a run's point sits on a slider over the steps of all runs: it is shown for slider positions [index, until). */
export interface StepSpan {
  index: number;
  until: number;
}

/** The sorted distinct steps of several runs: what a slider shared by the runs moves over. */
export function unionSteps(stepLists: number[][]): number[] {
  return [...new Set(stepLists.flat())].sort((a, b) => a - b);
}

/**
 * For each of a run's points (in step order), the slider positions at which it is the run's latest point at or
 * before the selected step, so runs logged at different steps share one slider.
 */
export function stepSpans(allSteps: number[], steps: number[]): StepSpan[] {
  const position = new Map(allSteps.map((s, i) => [s, i]));
  return steps.map((step, k) => ({
    index: position.get(step)!,
    until: k + 1 < steps.length ? position.get(steps[k + 1])! : allSteps.length,
  }));
}

/**
 * The spec pieces of a chart that shows one logged step at a time: a slider over the step indices (left out of a
 * still image, which shows `fixedIndex`), a filter on the data's [index, until) span, and a subtitle naming the
 * step.
 */
export function oneStepAtATime(tag: string, steps: number[], fixedIndex?: number): Record<string, unknown> {
  const last = steps.length - 1;
  const selected = fixedIndex === undefined ? "stepIndex" : String(fixedIndex);
  const slider = {
    name: "stepIndex",
    value: last,
    bind: { input: "range", min: 0, max: Math.max(last, 0), step: 1, name: "step index " },
  };
  return {
    ...(fixedIndex === undefined ? { params: [slider] } : {}),
    transform: [{ filter: `datum.index <= ${selected} && ${selected} < datum.until` }],
    title: { text: tag, subtitle: { expr: `'step ' + ${JSON.stringify(steps)}[${selected}]` } },
  };
}
