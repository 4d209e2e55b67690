// `nbtest --junit <file>`: JUnit XML as CI servers read it (one <testsuite> per notebook, one <testcase> per code
// cell; skipped cells as <skipped/>, failing ones with a <failure> carrying the differences).
import type { Verdict } from "./verdict";

export interface NotebookResult {
  /** The notebook's path as printed. */
  name: string;
  verdicts: Verdict[];
  /** Cells not run because of a skip tag or marker: [cell number, first line]. */
  skipped: [number, string][];
  /** Set when the notebook could not be run at all (malformed, kernel did not start). */
  error?: string;
  seconds: number;
}

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot hold at all (control characters from terminal output) are dropped.
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function testCase(suite: string, name: string, seconds: number, body = ""): string {
  const attributes = `classname="${escapeXml(suite)}" name="${escapeXml(name)}" time="${seconds.toFixed(3)}"`;
  return body ? `    <testcase ${attributes}>\n${body}    </testcase>\n` : `    <testcase ${attributes}/>\n`;
}

function suite(result: NotebookResult): string {
  const cases: string[] = [];
  if (result.error !== undefined) {
    const failure = `      <failure message="${escapeXml(result.error)}"/>\n`;
    cases.push(testCase(result.name, "notebook", result.seconds, failure));
  }
  const numbered = [
    ...result.verdicts.map((v) => [v.cellNumber, v] as const),
    ...result.skipped.map(([n, source]) => [n, source] as const),
  ].sort((a, b) => a[0] - b[0]);
  for (const [number, entry] of numbered) {
    if (typeof entry === "string") {
      cases.push(testCase(result.name, `cell ${number}: ${entry}`, 0, "      <skipped/>\n"));
      continue;
    }
    const failure = entry.passed
      ? ""
      : `      <failure message="${escapeXml(entry.title)}">${escapeXml(entry.details)}</failure>\n`;
    cases.push(testCase(result.name, `cell ${number}: ${entry.source}`, entry.seconds, failure));
  }
  const failures = result.verdicts.filter((v) => !v.passed).length + (result.error === undefined ? 0 : 1);
  const tests = cases.length;
  return (
    `  <testsuite name="${escapeXml(result.name)}" tests="${tests}" failures="${failures}" errors="0" ` +
    `skipped="${result.skipped.length}" time="${result.seconds.toFixed(3)}">\n${cases.join("")}  </testsuite>\n`
  );
}

export function junitXml(results: NotebookResult[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="nbtest">\n${results.map(suite).join("")}</testsuites>\n`;
}
