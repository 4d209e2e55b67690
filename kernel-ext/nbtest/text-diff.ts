// A short unified-style diff: the changed region between the common head and tail, with a little context.
const CONTEXT = 2;
const MAX_LINES = 12;

function clip(lines: string[], sign: string): string[] {
  const shown = lines.slice(0, MAX_LINES).map((line) => `${sign} ${line}`);
  if (lines.length > MAX_LINES) shown.push(`${sign} ... (${lines.length - MAX_LINES} more lines)`);
  return shown;
}

export function textDiff(expected: string, actual: string): string {
  // A final newline on both sides would only add an empty context line.
  const both = expected.endsWith("\n") && actual.endsWith("\n");
  const [a, b] = [expected, actual].map((text) => (both ? text.slice(0, -1) : text).split("\n"));
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const before = a.slice(Math.max(0, head - CONTEXT), head).map((line) => `  ${line}`);
  const after = a.slice(a.length - tail, a.length - tail + CONTEXT).map((line) => `  ${line}`);
  const removed = clip(a.slice(head, a.length - tail), "-");
  const added = clip(b.slice(head, b.length - tail), "+");
  return [`@@ line ${head + 1} (- expected, + actual)`, ...before, ...removed, ...added, ...after].join("\n");
}
