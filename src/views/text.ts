// text(): TensorBoard's text dashboard. Each logged string is markdown, rendered by markdown-it with raw HTML
// off (markup in the log is shown as text, never run) and link schemes it deems unsafe (javascript:, vbscript:,
// most data:) refused; steps are rows and runs are columns, side by side.
import MarkdownIt from "markdown-it";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { escapeHtml } from "../html";
import { runFilter, runsOf, selectNames, selectRuns, type NameFilter, type RunsSource } from "./source";
import { renderSvg } from "./render";
import { LogView } from "./view";
import { textTable } from "./chart";

export interface TextOptions {
  /** One run to show (default: every run that has the tag). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
}

export interface TextEntry {
  run: string;
  tag: string;
  step: number;
  markdown: string;
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

/** Markdown to HTML with raw HTML escaped; links open in a new tab without access to the page. */
export function renderMarkdown(source: string): string {
  return markdown.render(source).replace(/<a href=/g, '<a target="_blank" rel="noopener noreferrer" href=');
}

const STYLE = "border-collapse:collapse;font-family:sans-serif;font-size:13px;margin:4px 0" as const;
const CELL = "border:1px solid #ddd;padding:4px 8px;vertical-align:top;text-align:left" as const;

/** One table per tag: a row per step, a column per run. */
function tagTable(tag: string, runs: string[], entries: TextEntry[]): string {
  const steps = [...new Set(entries.map((e) => e.step))].sort((a, b) => a - b);
  const header = ["step", ...runs].map((h) => `<th style="${CELL}">${escapeHtml(h)}</th>`).join("");
  const rows = steps.map((step) => {
    const cells = runs.map((run) => {
      const entry = entries.filter((e) => e.run === run && e.step === step).at(-1);
      return `<td style="${CELL}">${entry ? renderMarkdown(entry.markdown) : ""}</td>`;
    });
    return `<tr><td style="${CELL}">${step}</td>${cells.join("")}</tr>`;
  });
  return `<h4 style="font-family:sans-serif">${escapeHtml(tag)}</h4><table style="${STYLE}"><thead><tr>${header}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const firstLine = (s: string, max = 60): string => {
  const line = s.split("\n", 1)[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

export class TextView extends LogView {
  readonly text: string;

  constructor(
    readonly runs: string[],
    readonly tags: string[],
    readonly entries: TextEntry[],
  ) {
    super();
    const table = textTable(
      ["run", "tag", "step", "text"],
      entries.map((e) => [e.run, e.tag, String(e.step), firstLine(e.markdown.replace(/\s+/g, " "), 80)]),
    );
    this.text = `text: ${tags.length} tag(s) in ${runs.length} run(s)\n${table}`;
  }

  /** The HTML tables (markdown rendered safely). */
  toHtml(): string {
    return this.tags
      .map((tag) => {
        const entries = this.entries.filter((e) => e.tag === tag);
        return tagTable(
          tag,
          this.runs.filter((run) => entries.some((e) => e.run === run)),
          entries,
        );
      })
      .join("");
  }

  /** A still picture: each entry's first line, steps down and runs across, per tag. */
  toSvg(): Promise<string> {
    const values = this.entries.map((e) => ({ ...e, line: firstLine(e.markdown) }));
    return renderSvg({
      data: { values },
      facet: {
        row: { field: "tag", type: "nominal", title: null, header: { labelAngle: 0, labelAlign: "left" } },
      },
      resolve: { scale: { y: "independent" } },
      spec: {
        width: { step: 260 },
        height: { step: 22 },
        mark: { type: "text", align: "left", dx: -120, limit: 250 },
        encoding: {
          x: { field: "run", type: "ordinal", axis: { orient: "top", title: null, labelAngle: 0 } },
          y: { field: "step", type: "ordinal", title: "step", sort: "ascending" },
          text: { field: "line" },
        },
      },
      config: { view: { stroke: "#ddd" } },
    });
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    return { "text/plain": this.text, "text/html": this.toHtml(), "image/svg+xml": await this.toSvg() };
  }
}

/** `text("runs")` or `text("runs", "notes")`: logged markdown, each step a row and each run a column. */
export function text(source: RunsSource, tag?: string, options: TextOptions = {}): TextView {
  const what = "text";
  const runs = selectRuns(runsOf(source, what), runFilter(options, what), what);
  const available = [...new Set(runs.flatMap((r) => [...r.texts.keys()]))];
  if (available.length === 0)
    throw new RangeError(
      `text: no text logged in run(s) ${runs.map((r) => JSON.stringify(r.name)).join(", ") || "(none)"}`,
    );
  if (tag !== undefined && typeof tag !== "string")
    throw new TypeError(`text: tag must be a string, got ${String(tag)}`);
  const tags = selectNames(available, tag === undefined ? undefined : [tag], what, "tag");
  const entries = tags.flatMap((t) =>
    runs.flatMap((run) =>
      [...(run.texts.get(t) ?? [])]
        .sort((a, b) => a.step - b.step)
        .map((p) => ({ run: run.name, tag: t, step: p.step, markdown: p.value })),
    ),
  );
  return new TextView([...new Set(entries.map((e) => e.run))], tags, entries);
}
