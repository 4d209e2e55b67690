// The vega-lite pieces of the hparams view: the sortable table, the parallel coordinates with a brush per metric,
// and the scatter matrix (compute is in hparams.ts).
import type { parallelAxes } from "./hparams";

/** A field name as vega-lite reads it: dots and brackets escaped (hyperparameter names may hold them). */
export const field = (name: string): string => name.replace(/[.[\]\\]/g, "\\$&");

/** The table's sort controls: variable params live at the top level of a vega-lite spec. */
export function tableParams(keys: string[]): unknown[] {
  return [
    {
      name: "sortBy",
      value: keys.at(-1) ?? "session",
      bind: { input: "select", options: ["session", ...keys], name: "sort by " },
    },
    { name: "descending", value: true, bind: { input: "checkbox", name: "descending " } },
  ];
}

export function tableSpec(rows: Record<string, unknown>[], keys: string[]): Record<string, unknown> {
  const columns = ["session", ...keys];
  return {
    title: "sessions (pick a column to sort by)",
    data: { values: rows },
    transform: [
      { calculate: "datum[sortBy]", as: "sortKey" },
      { calculate: "descending ? -toNumber(datum.sortKey) : toNumber(datum.sortKey)", as: "numericKey" },
      { window: [{ op: "row_number", as: "rank" }], sort: [{ field: "numericKey" }, { field: "sortKey" }] },
      { fold: columns.map(field), as: ["column", "cell"] },
      {
        calculate:
          "datum.cell === null ? '-' : isNumber(datum.cell) ? format(datum.cell, '.5~g') : '' + datum.cell",
        as: "shown",
      },
    ],
    width: { step: 110 },
    height: { step: 20 },
    mark: { type: "text", limit: 105 },
    encoding: {
      x: {
        field: "column",
        type: "ordinal",
        sort: columns,
        axis: { orient: "top", title: null, labelAngle: 0, labelLimit: 105 },
      },
      y: { field: "rank", type: "ordinal", axis: null },
      text: { field: "shown" },
    },
  };
}

/** The brush param of the k-th metric's strip (the first keeps its historical name). */
export const brushName = (k: number): string => (k === 0 ? "metricRange" : `metricRange${k}`);

export function parallelSpec(
  axes: ReturnType<typeof parallelAxes>,
  metricKeys: string[],
  rows: Record<string, unknown>[],
) {
  const brushed = metricKeys.length > 0;
  const width = Math.max(300, 120 * axes.columns.length);
  // A session stays bright while it is inside every brushed range (an empty brush keeps everything), as
  // TensorBoard's parallel coordinates filter on every axis brushed.
  const inside = { and: metricKeys.map((_, k) => ({ param: brushName(k), empty: true })) };
  const lines = {
    data: { values: axes.points },
    ...(brushed
      ? {
          transform: [
            {
              lookup: "session",
              // The metrics' values on every point of a session's line, for the brushes' tests.
              from: { data: { values: rows }, key: "session", fields: metricKeys.map(field) },
            },
          ],
        }
      : {}),
    title: "parallel coordinates",
    width,
    height: 220,
    layer: [
      {
        mark: { type: "rule", color: "#bbb" },
        encoding: {
          x: {
            field: "column",
            type: "ordinal",
            sort: axes.columns,
            title: null,
            axis: { labelAngle: 0, orient: "top" },
          },
        },
      },
      {
        mark: { type: "line", strokeWidth: 1.5 },
        encoding: {
          x: { field: "column", type: "ordinal", sort: axes.columns },
          y: { field: "position", type: "quantitative", axis: null, scale: { domain: [0, 1] } },
          detail: { field: "session", type: "nominal" },
          color: { field: "session", type: "nominal", legend: null },
          ...(brushed ? { opacity: { condition: { test: inside, value: 1 }, value: 0.08 } } : {}),
          order: { field: "axis", type: "quantitative" },
          tooltip: [{ field: "session" }, { field: "column" }, { field: "value" }],
        },
      },
      {
        mark: { type: "text", dx: 4, align: "left", fontSize: 9 },
        encoding: {
          x: { field: "column", type: "ordinal", sort: axes.columns },
          y: { field: "position", type: "quantitative" },
          text: { field: "value" },
        },
      },
    ],
  };
  // One strip per metric, each with its own brush.
  const strips = metricKeys.map((metric, k) => ({
    data: { values: rows },
    title: `brush a range of ${metric} to pick sessions`,
    width,
    height: 40,
    params: [{ name: brushName(k), select: { type: "interval", encodings: ["x"] } }],
    mark: { type: "tick", thickness: 2 },
    encoding: {
      x: { field: field(metric), type: "quantitative", title: metric, scale: { zero: false } },
    },
  }));
  return [lines, ...strips];
}

export function scatterSpec(rows: Record<string, unknown>[], names: string[], metrics: string[]) {
  if (!names.length || !metrics.length) return [];
  return [
    {
      title: "each hyperparameter against each metric",
      data: { values: rows },
      repeat: { row: metrics.map(field), column: names.map(field) },
      spec: {
        width: 150,
        height: 120,
        mark: { type: "point", filled: true, size: 50, tooltip: true },
        encoding: {
          x: { field: { repeat: "column" }, type: "nominal" },
          y: { field: { repeat: "row" }, type: "quantitative", scale: { zero: false } },
          color: { field: "session", type: "nominal", legend: null },
        },
      },
    },
  ];
}
