// Per-cell verdicts from a run: unexpected errors, missing expected errors, timeouts and output differences.
import { approxRulesOf } from "./approx";
import { compareOutputs, type CompareOptions } from "./compare";
import type { CellRun } from "./execute";
import { joinText, splitLines, tags, type Notebook, type Output } from "./notebook";

export interface Verdict {
  cellNumber: number;
  passed: boolean;
  title: string;
  details: string;
  /** The cell's first non-empty source line, shortened. */
  source: string;
  seconds: number;
}

const RAISES_TAGS = ["raises-exception", "nbval-raises-exception"];
/** Outputs that depend on the CPU's arithmetic: compared by the approximate rules (approx.ts). */
export const APPROX_TAG = "nbtest-approx";
const MAX_DIFFERENCES = 3;

export function firstLine(source: string): string {
  const line = source.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function errorText(outputs: Output[]): string {
  const error = outputs.find((o) => o.output_type === "error");
  if (!error) return "the kernel reported an error without an error output";
  return [`${error.ename}: ${error.evalue}`, ...(error.traceback ?? []).slice(1, 6)].join("\n");
}

export function judgeCells(
  notebook: Notebook,
  runs: CellRun[],
  compare: CompareOptions,
  mode: { lax: boolean; update: boolean },
): Verdict[] {
  return runs.map((run) => {
    const cell = notebook.cells[run.index];
    const cellTags = tags(cell);
    const verdict = (passed: boolean, title = "", details = ""): Verdict => ({
      cellNumber: run.index + 1,
      passed,
      title: `${title} (${JSON.stringify(firstLine(joinText(cell.source)))})`,
      details,
      source: firstLine(joinText(cell.source)),
      seconds: run.seconds,
    });
    if (run.status === "timeout" || run.status === "not-run") return verdict(false, run.reason ?? run.status);
    const raises = RAISES_TAGS.some((tag) => cellTags.has(tag));
    if (run.status === "error" && !raises) {
      return verdict(false, "cell raised an error", run.reason ?? errorText(run.outputs));
    }
    if (run.status === "ok" && raises)
      return verdict(false, "cell is tagged raises-exception but raised nothing");
    const checked = mode.lax ? cellTags.has("nbval-check-output") : !cellTags.has("nbval-ignore-output");
    if (mode.update || !checked) return verdict(true);
    let rules: CompareOptions = compare;
    if (cellTags.has(APPROX_TAG) || cell.metadata.nbtest !== undefined) {
      try {
        rules = { ...compare, approx: approxRulesOf(cell.metadata.nbtest, `cell ${run.index + 1}`) };
      } catch (error) {
        return verdict(false, "bad nbtest settings", (error as Error).message);
      }
    }
    const differences = compareOutputs(cell.outputs ?? [], run.outputs, rules);
    if (differences.length === 0) return verdict(true);
    const shown = differences.slice(0, MAX_DIFFERENCES).map((d) => `${d.key}: ${d.message}`);
    if (differences.length > MAX_DIFFERENCES)
      shown.push(`... and ${differences.length - MAX_DIFFERENCES} more`);
    return verdict(false, "outputs differ", shown.join("\n"));
  });
}

/** Stores the fresh outputs in the notebook, in nbformat's multi-line layout. */
export function applyUpdate(notebook: Notebook, runs: CellRun[]): void {
  for (const run of runs) {
    if (run.status === "not-run") continue;
    const cell = notebook.cells[run.index];
    cell.execution_count = run.executionCount;
    cell.outputs = run.outputs.map(toStored);
  }
}

function toStored(output: Output): Output {
  if (output.output_type === "stream") return { ...output, text: splitLines(joinText(output.text)) };
  if (!output.data) return output;
  const data = Object.fromEntries(
    Object.entries(output.data).map(([mime, value]) => [
      mime,
      typeof value === "string" && mime.startsWith("text/") ? splitLines(value) : value,
    ]),
  );
  return { ...output, data };
}
