// Every scalar point of a loaded logdir as a table (run, tag, step, wall time, value): rows, CSV, JSON, and an
// Apache Arrow table whose number columns are the concatenated Float64Arrays and whose run and tag columns are
// dictionary-encoded, so pyarrow, polars or pandas read an IPC dump of it without converting anything.
// TensorBoard's own CSV/JSON download holds at most its 1,000 sampled points per series; this holds all.
import { Dictionary, Float64, Int32, makeData, makeVector, Table, Utf8, vectorFromArray } from "apache-arrow";
import type { RunData } from "./run-data";

export interface ScalarRow {
  run: string;
  tag: string;
  step: number;
  /** Seconds since the epoch. */
  wallTime: number;
  value: number;
}

function* seriesOf(runs: Iterable<RunData>) {
  for (const run of runs) for (const [tag, series] of run.scalars) yield { run: run.name, tag, series };
}

export function scalarRows(runs: Iterable<RunData>): ScalarRow[] {
  const rows: ScalarRow[] = [];
  for (const { run, tag, series } of seriesOf(runs)) {
    const { steps, wallTimes, values } = series;
    for (let i = 0; i < series.length; i++)
      rows.push({ run, tag, step: steps[i], wallTime: wallTimes[i], value: values[i] });
  }
  return rows;
}

/** RFC 4180: a field holding a comma, quote or line break is quoted, its quotes doubled. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** JavaScript's shortest round-trip form; NaN and ±Infinity as pandas and numpy spell them. */
function csvNumber(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return String(x);
}

export function scalarCsv(runs: Iterable<RunData>): string {
  const lines = ["run,tag,step,wall_time,value"];
  for (const { run, tag, series } of seriesOf(runs)) {
    const prefix = `${csvField(run)},${csvField(tag)},`;
    const { steps, wallTimes, values } = series;
    for (let i = 0; i < series.length; i++)
      lines.push(`${prefix}${steps[i]},${csvNumber(wallTimes[i])},${csvNumber(values[i])}`);
  }
  return lines.join("\n") + "\n";
}

/** JSON has no NaN or Infinity: they are written as the strings "NaN", "Infinity", "-Infinity". */
export function scalarJson(runs: Iterable<RunData>): string {
  const finite = (x: number): number | string => (Number.isFinite(x) ? x : String(x));
  return JSON.stringify(
    scalarRows(runs).map((row) => ({ ...row, wallTime: finite(row.wallTime), value: finite(row.value) })),
  );
}

function dictionaryColumn(names: string[], indices: Int32Array) {
  const type = new Dictionary(new Utf8(), new Int32());
  const dictionary = vectorFromArray(names, new Utf8());
  return makeVector(makeData({ type, length: indices.length, data: indices, dictionary }));
}

/** Columns run, tag (dictionary-encoded strings), step, wall_time, value (float64). */
export function scalarArrow(runs: Iterable<RunData>): Table {
  const all = [...seriesOf(runs)];
  const total = all.reduce((n, s) => n + s.series.length, 0);
  const [steps, wallTimes, values] = [
    new Float64Array(total),
    new Float64Array(total),
    new Float64Array(total),
  ];
  const [runIndex, tagIndex] = [new Int32Array(total), new Int32Array(total)];
  const runNames: string[] = [];
  const tagNames: string[] = [];
  const indexOf = (names: string[], name: string): number => {
    const at = names.indexOf(name);
    return at >= 0 ? at : names.push(name) - 1;
  };
  let offset = 0;
  for (const { run, tag, series } of all) {
    steps.set(series.steps, offset);
    wallTimes.set(series.wallTimes, offset);
    values.set(series.values, offset);
    runIndex.fill(indexOf(runNames, run), offset, offset + series.length);
    tagIndex.fill(indexOf(tagNames, tag), offset, offset + series.length);
    offset += series.length;
  }
  const float = (data: Float64Array) =>
    makeVector(makeData({ type: new Float64(), length: data.length, data }));
  return new Table({
    run: dictionaryColumn(runNames, runIndex),
    tag: dictionaryColumn(tagNames, tagIndex),
    step: float(steps),
    wall_time: float(wallTimes),
    value: float(values),
  });
}
