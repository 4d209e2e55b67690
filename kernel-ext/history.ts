// The kernel's input history (this session only, in memory), answered as IPython answers history_request:
// `tail` (last n), `range` (start..stop of a session, 0/negative session = this one), `search` (glob pattern).
import type { JsonObject } from "./wire";

/** [session, line number, source] rows, as history_reply sends them with output: false. */
export type History = [number, number, string][];

const SESSION = 1;

export function recordInput(history: History, executionCount: number, code: string): void {
  history.push([SESSION, executionCount, code]);
}

/** fnmatch-style glob (`*`, `?`, `[...]`) to a regular expression over the whole source. */
function globToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .replace(/[.+^${}()|\\]/g, "\\$&")
    .replace(/\*/g, "[\\s\\S]*")
    .replace(/\?/g, "[\\s\\S]");
  return new RegExp(`^${escaped}$`);
}

function lastN(rows: History, n: unknown): History {
  return typeof n === "number" && n >= 0 ? rows.slice(Math.max(0, rows.length - n)) : rows;
}

export function answerHistory(history: History, request: JsonObject): JsonObject {
  const access = request.hist_access_type;
  let rows: History;
  if (access === "tail") {
    rows = lastN(history, request.n ?? 10);
  } else if (access === "range") {
    const session = Number(request.session ?? 0);
    const start = Number(request.start ?? 0);
    const stop = request.stop === null || request.stop === undefined ? Infinity : Number(request.stop);
    const thisSession = session <= 0 || session === SESSION;
    rows = thisSession ? history.filter(([, line]) => line >= start && line < stop) : [];
  } else if (access === "search") {
    const pattern = globToRegExp(String(request.pattern ?? "*"));
    let found = history.filter(([, , source]) => pattern.test(source));
    if (request.unique === true) {
      const seen = new Set<string>();
      found = found
        .reverse()
        .filter(([, , source]) => !seen.has(source) && seen.add(source))
        .reverse();
    }
    rows = lastN(found, request.n);
  } else {
    return {
      status: "error",
      ename: "ValueError",
      evalue: `unknown hist_access_type ${String(access)}`,
      traceback: [],
      history: [],
    };
  }
  return { status: "ok", history: rows };
}
