// The notebook view: the same cells as the text table, with every container row a <details> element so levels
// open and close without script. Levels above `depth` start open, deeper ones closed (so the first view matches
// the text), and every name is escaped.
import { escapeHtml } from "../html";
import { multAddsLine, paramLines, sizeLines, type TotalLine } from "./format";
import { cellText, COLUMN_TITLES, headerTitle, rowLabel } from "./render-text";
import type { SummaryData, SummaryRow } from "./types";

// Scoped to the class so that the page's other outputs are untouched; the markers show open/closed state.
const STYLE = `<style>
.tensorscope-summary{font-family:monospace;font-size:12px;line-height:1.5}
.tensorscope-summary .ts-row{display:grid;grid-template-columns:var(--ts-name) repeat(var(--ts-cols),var(--ts-col))}
.tensorscope-summary .ts-head{font-weight:bold;border-bottom:1px solid #888}
.tensorscope-summary summary{list-style:none;cursor:pointer}
.tensorscope-summary summary::-webkit-details-marker{display:none}
.tensorscope-summary .ts-name{white-space:pre}
.tensorscope-summary details>summary .ts-name::before{content:"\\25B8 "}
.tensorscope-summary details[open]>summary .ts-name::before{content:"\\25BE "}
.tensorscope-summary .ts-leaf .ts-name::before{content:"  "}
.tensorscope-summary table{border-top:1px solid #888;margin-top:4px;border-collapse:collapse}
.tensorscope-summary td{padding:0 1em 0 0;text-align:left}
</style>`;

function cells(row: SummaryRow, data: SummaryData): string {
  const indent = `padding-left:${2 * row.depth}ch`;
  const name = `<span class="ts-name" style="${indent}">${escapeHtml(rowLabel(row, data.options))}</span>`;
  const values = data.options.columns.map((c) => `<span>${escapeHtml(cellText(row, c, data).trim())}</span>`);
  return name + values.join("");
}

/** Renders rows[start] and its descendants; returns the HTML and the index after the subtree. */
function subtree(rows: SummaryRow[], start: number, data: SummaryData): [string, number] {
  const row = rows[start];
  let end = start + 1;
  const children: string[] = [];
  while (end < rows.length && rows[end].depth > row.depth) {
    const [html, next] = subtree(rows, end, data);
    children.push(html);
    end = next;
  }
  if (children.length === 0) return [`<div class="ts-row ts-leaf">${cells(row, data)}</div>`, end];
  const open = row.depth < data.options.depth ? " open" : "";
  const summaryLine = `<summary class="ts-row">${cells(row, data)}</summary>`;
  // One element per line keeps the markup readable (and golden diffs small); the whitespace renders as nothing.
  return [`<details${open}>${summaryLine}\n${children.join("\n")}\n</details>`, end];
}

function totalsTable(data: SummaryData): string {
  const lines: TotalLine[] = [...paramLines(data.totals)];
  if (data.shapesKnown) lines.push(multAddsLine(data.totals), ...sizeLines(data.totals));
  const tr = (l: TotalLine) =>
    `<tr><td>${escapeHtml(l.label + l.unit)}</td><td>${escapeHtml(l.value)}</td></tr>`;
  return `<table>\n${lines.map(tr).join("\n")}\n</table>`;
}

export function renderHtml(data: SummaryData): string {
  const rows = data.allRows.filter((r) => !(data.options.hideRecursiveLayers && r.isRecursive));
  const nameWidth = Math.max(40, ...rows.map((r) => rowLabel(r, data.options).length + 2 * r.depth + 3));
  const vars = `--ts-name:${nameWidth}ch;--ts-col:${data.options.colWidth}ch;--ts-cols:${data.options.columns.length}`;
  const titles = data.options.columns.map((c) => `<span>${escapeHtml(COLUMN_TITLES[c])}</span>`).join("");
  const head = `<div class="ts-row ts-head"><span>${escapeHtml(headerTitle(data.options))}</span>${titles}</div>`;
  const body = rows.length > 0 ? subtree(rows, 0, data)[0] : "";
  return `${STYLE}\n<div class="tensorscope-summary" style="${vars}">\n${head}\n${body}\n${totalsTable(data)}\n</div>`;
}
