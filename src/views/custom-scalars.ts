// customScalars(): the layout written by addCustomScalars (PyTorch's add_custom_scalars): categories of charts,
// each a multiline chart (every scalar tag matching its regexes, in every run) or a margin chart (a value with a
// lower-upper band). The layouts of all runs are merged, as TensorBoard does.
import type { CustomScalarChart, CustomScalarsLayout } from "../events/kinds";
import type { RunData, ScalarSeries } from "../events/logdir";
import { runsOf, selectRuns, type NameFilter, type RunsSource } from "./source";
import { stepAxis, VegaLiteChart, formatNumber, textTable } from "./chart";
import { reduceForDisplay } from "./reduce";

export interface CustomScalarsOptions {
  runs?: NameFilter;
  /** Display buckets per series (default 500, reduced as scalars() does). */
  buckets?: number;
}

/** Categories by title, charts by title within them; a later run's chart of the same title wins. */
export function mergeLayouts(layouts: CustomScalarsLayout[]): CustomScalarsLayout {
  const categories: CustomScalarsLayout["categories"] = [];
  for (const layout of layouts)
    for (const category of layout.categories) {
      let into = categories.find((c) => c.title === category.title);
      if (!into) categories.push((into = { title: category.title, closed: category.closed, charts: [] }));
      for (const chart of category.charts) {
        const same = into.charts.findIndex((c) => c.title === chart.title);
        if (same >= 0) into.charts[same] = chart;
        else into.charts.push(chart);
      }
    }
  return { categories };
}

function patternOf(source: string, chart: string): RegExp {
  try {
    return new RegExp(source);
  } catch (error) {
    throw new RangeError(
      `customScalars: chart "${chart}" has an invalid tag regex ${JSON.stringify(source)}: ${(error as Error).message}`,
    );
  }
}

function seriesRows(series: ScalarSeries, buckets: number) {
  const { points } = reduceForDisplay(series.steps, series.values, series.values, buckets);
  return points.filter((p) => p.value !== null).map((p) => ({ step: p.x, value: p.value! }));
}

const lastOf = (s: ScalarSeries | undefined): number | undefined =>
  s && s.length ? s.values[s.length - 1] : undefined;

interface ChartRows {
  spec: Record<string, unknown>;
  summary: string[][];
}

function multiline(
  chart: Extract<CustomScalarChart, { kind: "multiline" }>,
  runs: RunData[],
  buckets: number,
): ChartRows {
  const patterns = chart.tags.map((t) => patternOf(t, chart.title));
  const matched = runs.flatMap((run) =>
    [...run.scalars.keys()].filter((tag) => patterns.some((p) => p.test(tag))).map((tag) => ({ run, tag })),
  );
  const values = matched.flatMap(({ run, tag }) =>
    seriesRows(run.scalars.get(tag)!, buckets).map((r) => ({
      ...r,
      series: runs.length > 1 ? `${run.name}/${tag}` : tag,
    })),
  );
  return {
    spec: {
      title: chart.title,
      data: { values },
      width: 360,
      height: 200,
      mark: { type: "line", tooltip: true },
      encoding: {
        x: { field: "step", type: "quantitative", axis: stepAxis(values.map((v) => v.step)) },
        y: { field: "value", type: "quantitative", scale: { zero: false } },
        color: { field: "series", type: "nominal", title: null },
      },
    },
    summary: matched.map(({ run, tag }) => [
      chart.title,
      run.name,
      tag,
      formatNumber(lastOf(run.scalars.get(tag))),
    ]),
  };
}

function margin(
  chart: Extract<CustomScalarChart, { kind: "margin" }>,
  runs: RunData[],
  buckets: number,
): ChartRows {
  const values = runs.flatMap((run) =>
    chart.series.flatMap(({ value, lower, upper }) => {
      const [v, lo, hi] = [value, lower, upper].map((tag) => run.scalars.get(tag));
      if (!v) return [];
      const byStep = (s: ScalarSeries | undefined): Map<number, number> =>
        new Map(s ? Array.from(s.steps, (step, i) => [step, s.values[i]]) : []);
      const [los, his] = [byStep(lo), byStep(hi)];
      return seriesRows(v, buckets).map((r) => ({
        ...r,
        lower: los.get(r.step) ?? null,
        upper: his.get(r.step) ?? null,
        series: runs.length > 1 ? `${run.name}/${value}` : value,
      }));
    }),
  );
  const x = { field: "step", type: "quantitative", axis: stepAxis(values.map((v) => v.step)) };
  const color = { field: "series", type: "nominal", title: null };
  return {
    spec: {
      title: chart.title,
      data: { values },
      width: 360,
      height: 200,
      layer: [
        {
          mark: { type: "area", opacity: 0.25 },
          encoding: {
            x,
            y: { field: "lower", type: "quantitative", scale: { zero: false } },
            y2: { field: "upper" },
            color,
          },
        },
        {
          mark: { type: "line", tooltip: true },
          encoding: { x, y: { field: "value", type: "quantitative", title: "value" }, color },
        },
      ],
    },
    summary: runs.flatMap((run) =>
      chart.series
        .filter((s) => run.scalars.has(s.value))
        .map((s) => [
          chart.title,
          run.name,
          `${s.value} [${s.lower}, ${s.upper}]`,
          formatNumber(lastOf(run.scalars.get(s.value))),
        ]),
    ),
  };
}

export class CustomScalarsView extends VegaLiteChart {
  constructor(
    readonly layout: CustomScalarsLayout,
    charts: { category: string; rows: ChartRows }[],
  ) {
    const categories = layout.categories.map((category) => ({
      title: category.title,
      hconcat: charts.filter((c) => c.category === category.title).map((c) => c.rows.spec),
    }));
    const table = textTable(
      ["chart", "run", "series", "last"],
      charts.flatMap((c) => c.rows.summary),
    );
    super(
      { vconcat: categories, resolve: { scale: { color: "independent" } } },
      `custom scalars: ${layout.categories.length} categorie(s), ${charts.length} chart(s)\n${table}`,
    );
  }
}

/** `customScalars("runs")`: the charts laid out by addCustomScalars, with every run's matching scalars. */
export function customScalars(source: RunsSource, options: CustomScalarsOptions = {}): CustomScalarsView {
  const runs = selectRuns(runsOf(source, "customScalars"), options.runs, "customScalars");
  const layouts = runs.flatMap((r) => (r.customScalars ? [r.customScalars] : []));
  if (layouts.length === 0)
    throw new RangeError(
      `customScalars: no layout (addCustomScalars / add_custom_scalars output) in run(s) ${runs.map((r) => JSON.stringify(r.name)).join(", ") || "(none)"}`,
    );
  const layout = mergeLayouts(layouts);
  const buckets = options.buckets ?? 500;
  const charts = layout.categories.flatMap((category) =>
    category.charts.map((chart) => ({
      category: category.title,
      rows: chart.kind === "multiline" ? multiline(chart, runs, buckets) : margin(chart, runs, buckets),
    })),
  );
  return new CustomScalarsView(layout, charts);
}
