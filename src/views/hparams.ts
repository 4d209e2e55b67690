// hparams(): TensorBoard's HParams dashboard. A session is a run that logged session_start_info (PyTorch's
// add_hparams, tensorboardX and ours each write one per sub-run); its metrics are the last values of the metric
// tags (from the experiment, else every scalar tag) in that run or the runs below it. Three views, as TensorBoard:
// a table sortable by any column, parallel coordinates (brush a metric's range on the strip beneath to pick
// sessions) and a scatter matrix of each hyperparameter against each metric, all in one vega-lite spec.
import type { HparamsData } from "../events/decode";
import type { RunData } from "../events/logdir";
import { runsOf, selectRuns, type NameFilter, type RunsSource } from "./source";
import { VegaLiteChart, formatNumber, textTable } from "./chart";
import { parallelSpec, scatterSpec, tableParams, tableSpec } from "./hparams-specs";

export type HparamValue = number | string | boolean;

export interface HparamsSession {
  /** The run that holds the session. */
  run: string;
  hparams: Record<string, HparamValue>;
  metrics: Record<string, number>;
}

export interface HparamsOptions {
  /** Runs to consider (names or a pattern). */
  runs?: NameFilter;
  /** Metric tags (default: those the experiment names, else every scalar tag of the sessions). */
  metrics?: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are dynamic */
function valueOf(v: any): HparamValue | undefined {
  if (v === null || typeof v !== "object") return undefined;
  if ("number_value" in v) return Number(v.number_value);
  if ("string_value" in v) return String(v.string_value);
  if ("bool_value" in v) return Boolean(v.bool_value);
  return undefined;
}

function sessionHparams(data: HparamsData[]): Record<string, HparamValue> | undefined {
  const start = data.filter((d) => d.kind === "session_start_info").at(-1);
  if (!start) return undefined;
  const out: Record<string, HparamValue> = {};
  for (const [name, raw] of Object.entries((start.data.hparams ?? {}) as Record<string, unknown>)) {
    const value = valueOf(raw);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function experimentMetrics(runs: RunData[]): string[] {
  const tags = runs.flatMap((run) =>
    run.hparams
      .filter((d) => d.kind === "experiment")
      .flatMap((d) => ((d.data.metric_infos ?? []) as any[]).map((m) => String(m?.name?.tag ?? ""))),
  );
  return [...new Set(tags.filter((t) => t !== ""))];
}
/* eslint-enable @typescript-eslint/no-explicit-any */

function lastScalar(runs: RunData[], tag: string): number | undefined {
  for (const run of runs) {
    const series = run.scalars.get(tag);
    if (series && series.length) return series.values[series.length - 1];
  }
  return undefined;
}

/** The sessions of a logdir with their hyperparameters and metrics (compute only). */
export function hparamsSessions(
  runs: RunData[],
  metricTags?: string[],
): { sessions: HparamsSession[]; metrics: string[] } {
  const sessionRuns = runs.filter((run) => sessionHparams(run.hparams));
  const within = (run: RunData): RunData[] =>
    runs.filter((r) => r === run || (run.name === "." ? r.name !== "." : r.name.startsWith(`${run.name}/`)));
  const metrics =
    metricTags ??
    (experimentMetrics(runs).length
      ? experimentMetrics(runs)
      : [...new Set(sessionRuns.flatMap((run) => within(run).flatMap((r) => [...r.scalars.keys()])))]);
  const sessions = sessionRuns.map((run) => {
    const values: Record<string, number> = {};
    for (const tag of metrics) {
      const v = lastScalar(within(run), tag);
      if (v !== undefined) values[tag] = v;
    }
    return { run: run.name, hparams: sessionHparams(run.hparams)!, metrics: values };
  });
  return { sessions, metrics };
}

const hparamNames = (sessions: HparamsSession[]): string[] => [
  ...new Set(sessions.flatMap((s) => Object.keys(s.hparams))),
];

/** A row's field for a hyperparameter or metric: its name, prefixed only where it would collide with another. */
function keyOf(kind: "h" | "m", name: string, names: string[], metrics: string[]): string {
  const collides = name === "session" || (kind === "h" ? metrics : names).includes(name);
  return collides ? `${kind === "h" ? "hparam" : "metric"}:${name}` : name;
}

/** One flat row per session. */
function rowsOf(sessions: HparamsSession[], names: string[], metrics: string[]): Record<string, unknown>[] {
  return sessions.map((s) => ({
    session: s.run,
    ...Object.fromEntries(names.map((n) => [keyOf("h", n, names, metrics), s.hparams[n] ?? null])),
    ...Object.fromEntries(metrics.map((m) => [keyOf("m", m, names, metrics), s.metrics[m] ?? null])),
  }));
}

/**
 * Parallel coordinates: each column scaled to [0, 1] over its sessions (numbers by value, strings/booleans by their
 * sorted position), so that `axes` says where each session crosses each axis.
 */
export function parallelAxes(sessions: HparamsSession[], names: string[], metrics: string[]) {
  const columns = [
    ...names.map((n) => keyOf("h", n, names, metrics)),
    ...metrics.map((m) => keyOf("m", m, names, metrics)),
  ].map((key) => ({ key, label: key }));
  const rows = rowsOf(sessions, names, metrics);
  const points = columns.flatMap((column, axis) => {
    const values = rows.map((r) => r[column.key]).filter((v) => v !== null) as HparamValue[];
    const numeric = values.every((v) => typeof v === "number");
    const categories = [...new Set(values.map(String))].sort();
    const nums = values as number[];
    const [lo, hi] = numeric
      ? [Math.min(...nums), Math.max(...nums)]
      : [0, Math.max(1, categories.length - 1)];
    return rows.flatMap((r) => {
      const v = r[column.key] as HparamValue | null;
      if (v === null) return [];
      const raw = numeric ? (v as number) : categories.indexOf(String(v));
      const position = hi === lo ? 0.5 : (raw - lo) / (hi - lo);
      const shown = typeof v === "number" ? formatNumber(v) : String(v);
      return [{ session: r.session as string, axis, column: column.label, value: shown, position }];
    });
  });
  return { columns: columns.map((c) => c.label), points };
}

export class HparamsView extends VegaLiteChart {
  constructor(
    readonly sessions: HparamsSession[],
    readonly metrics: string[],
  ) {
    const names = hparamNames(sessions);
    const rows = rowsOf(sessions, names, metrics);
    const keys = [
      ...names.map((n) => keyOf("h", n, names, metrics)),
      ...metrics.map((m) => keyOf("m", m, names, metrics)),
    ];
    const table = textTable(
      ["session", ...names, ...metrics],
      sessions.map((s) => [
        s.run,
        ...names.map((n) => String(s.hparams[n] ?? "-")),
        ...metrics.map((m) => formatNumber(s.metrics[m])),
      ]),
    );
    const spec = {
      params: tableParams(keys),
      vconcat: [
        tableSpec(rows, keys),
        ...parallelSpec(
          parallelAxes(sessions, names, metrics),
          metrics.map((m) => keyOf("m", m, names, metrics)),
          rows,
        ),
        ...scatterSpec(
          rows,
          names.map((n) => keyOf("h", n, names, metrics)),
          metrics.map((m) => keyOf("m", m, names, metrics)),
        ),
      ],
      config: { concat: { spacing: 24 } },
    };
    super(
      spec,
      `hparams: ${sessions.length} session(s), ${names.length} hyperparameter(s), ${metrics.length} metric(s)\n${table}`,
    );
  }
}

/** `hparams("runs")`: every session's hyperparameters and metrics as TensorBoard's HParams dashboard shows them. */
export function hparams(source: RunsSource, options: HparamsOptions = {}): HparamsView {
  const runs = selectRuns(runsOf(source, "hparams"), options.runs, "hparams");
  const { sessions, metrics } = hparamsSessions(runs, options.metrics);
  if (sessions.length === 0)
    throw new RangeError(
      `hparams: no session (add_hparams / addHparams output) in run(s) ${runs.map((r) => JSON.stringify(r.name)).join(", ") || "(none)"}`,
    );
  return new HparamsView(sessions, metrics);
}
