// dashboard(): one cell with every kind of data a logdir holds, as tabs (TensorBoard's front page). The tabs are
// CSS-only (radio inputs), so they work wherever HTML is shown; each tab holds its views' still pictures, or their
// own HTML where they have one (text, audio, the live graph).
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { escapeHtml } from "../html";
import type { RunData } from "../events/logdir";
import { runsOf, type RunsSource } from "./source";
import { LogView } from "./view";
import { DASHBOARD_KINDS, catalogOf, type Catalog, type DashboardKind } from "./catalog";
import { scalars } from "./scalars";
import { customScalars } from "./custom-scalars";
import { images } from "./images";
import { audio } from "./audio";
import { graph } from "./graph";
import { distributions } from "./distributions";
import { histograms } from "./histograms";
import { prCurves } from "./pr-curves";
import { text } from "./text";
import { hparams } from "./hparams";

type AnyView = LogView & { toHtml?: () => string };

/** The views of one kind: one per tag (per run for graphs), or one for kinds shown whole. */
export function viewsOf(kind: DashboardKind, runs: RunData[], tags: string[]): AnyView[] {
  switch (kind) {
    case "scalars":
      return [scalars(runs)];
    case "customScalars":
      return [customScalars(runs)];
    case "hparams":
      return [hparams(runs)];
    case "text":
      return [text(runs)];
    case "graph":
      return tags.map((run) => graph(runs, { run }));
    default: {
      const perTag = { images, audio, distributions, histograms, prCurves }[kind];
      return tags.map((tag) => perTag(runs, tag));
    }
  }
}

const STYLE = `<style>
.ts-dash>input{display:none}.ts-dash>label{display:inline-block;padding:6px 12px;cursor:pointer;border-bottom:2px solid transparent;font-family:sans-serif;font-size:13px;text-transform:uppercase}
.ts-dash>.ts-tab{display:none;padding:8px 0}
</style>`;

let dashboardCounter = 0;

export class DashboardView extends LogView {
  readonly text: string;

  constructor(
    readonly catalog: Catalog,
    readonly tabs: { kind: DashboardKind; views: AnyView[] }[],
  ) {
    super();
    const lines = tabs.map(
      ({ kind }) => `  ${kind}: ${catalog.kinds[kind]!.filter((t) => t !== "").join(", ") || "(all)"}`,
    );
    this.text = `dashboard of ${catalog.runs.length} run(s): ${tabs.map((t) => t.kind).join(", ")}\n${lines.join("\n")}`;
  }

  async toHtml(): Promise<string> {
    const id = `tsdash${dashboardCounter++}`;
    const inputs: string[] = [];
    const bodies: string[] = [];
    const rules: string[] = [];
    for (const [i, { kind, views }] of this.tabs.entries()) {
      const body = await Promise.all(
        views.map(async (view) => (view.toHtml ? view.toHtml() : await view.toSvg())),
      );
      inputs.push(
        `<input type="radio" name="${id}" id="${id}-${i}"${i === 0 ? " checked" : ""}><label for="${id}-${i}">${escapeHtml(kind)}</label>`,
      );
      bodies.push(`<div class="ts-tab" id="${id}-tab-${i}">${body.join("")}</div>`);
      rules.push(
        `#${id}-${i}:checked~#${id}-tab-${i}{display:block}#${id}-${i}:checked+label{border-bottom-color:#f57c00;color:#f57c00}`,
      );
    }
    // Every input before every body, so that the sibling selectors (~) reach the bodies.
    return `${STYLE}<style>${rules.join("")}</style><div class="ts-dash">${inputs.join("")}${bodies.join("")}</div>`;
  }

  /** Every tab's still pictures, one under the other. */
  async toSvg(): Promise<string> {
    const size = (svg: string, attribute: string, fallback: number): number =>
      Number(new RegExp(`${attribute}="([\\d.]+)"`).exec(svg)?.[1] ?? fallback);
    const parts: string[] = [];
    let [y, width] = [0, 1];
    for (const { kind, views } of this.tabs) {
      // The tab's name as a heading, as the tab bar reads in the live view.
      parts.push(
        `<text x="4" y="${y + 16}" font-family="sans-serif" font-size="14" font-weight="bold" fill="#f57c00">${escapeHtml(kind.toUpperCase())}</text>`,
      );
      y += 26;
      for (const svg of await Promise.all(views.map((v) => v.toSvg()))) {
        parts.push(svg.replace(/^<svg/, `<svg y="${y}"`));
        y += size(svg, "height", 300) + 16;
        width = Math.max(width, size(svg, "width", 400));
      }
    }
    return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}"><rect width="100%" height="100%" fill="white"/>${parts.join("")}</svg>`;
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    return { "text/plain": this.text, "text/html": await this.toHtml(), "image/svg+xml": await this.toSvg() };
  }
}

/** `dashboard("runs")`: every kind the logdir holds, one tab each. */
export function dashboard(source: RunsSource): DashboardView {
  const runs = runsOf(source, "dashboard");
  const catalog = catalogOf(runs);
  const tabs = DASHBOARD_KINDS.filter((kind) => catalog.kinds[kind]).map((kind) => ({
    kind,
    views: viewsOf(kind, runs, catalog.kinds[kind]!),
  }));
  if (tabs.length === 0)
    throw new RangeError(
      `dashboard: nothing to show in run(s) ${catalog.runs.map((r) => JSON.stringify(r)).join(", ") || "(none: no event files)"}`,
    );
  return new DashboardView(catalog, tabs);
}
