// The notebook's scalar chart in a real JupyterLab (headless Chromium, JupyterLab's own vega renderer): the
// smoothing slider is moved, then the chart's CSV and JSON links are clicked and the downloaded files hold what
// is shown: every drawn point of the runs and tag, with TensorBoard's smoothing at the slider's new weight.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Download, Page } from "playwright-core";
import { SummaryWriter, loadLogdir } from "../../src/index";
import { smooth } from "../../src/views/smoothing";
import { openBrowser, type BrowserSession } from "./chromium";
import { ROOT, type RunningLab } from "./jupyterlab";
import {
  closeAll,
  errorOutputs,
  openNotebook,
  runAllCells,
  startLabWithKernel,
  writeOneCellNotebook,
} from "./notebook-page";

const FOLDER = join(ROOT, "test", "artifacts", "scalars-notebook");
const NOTEBOOK = "test/artifacts/scalars-notebook/scalars.ipynb";
const LOGDIR = join(FOLDER, "runs");
const RUNS = ["lr_0.1", 'quote"d, #run'];
const CELL = [
  'import { scalars } from "tensorscope";',
  `scalars(${JSON.stringify(LOGDIR)}, { tags: ["loss"], smoothing: 0.6 })`,
].join("\n");

function writeLogdir(): void {
  rmSync(LOGDIR, { recursive: true, force: true });
  RUNS.forEach((run, r) => {
    const writer = new SummaryWriter(join(LOGDIR, run));
    for (let step = 0; step < 120; step++) {
      writer.addScalar("loss", Math.exp(-step / (40 + 20 * r)) + 0.1 * Math.sin(step), step, 1000 + 2 * step);
      writer.addScalar("accuracy", 1 - Math.exp(-step / 30), step, 1000 + 2 * step);
    }
    writer.close();
  });
}

const pageErrors = new WeakMap<Page, string[]>();
const errorsOf = (page: Page): string[] => pageErrors.get(page) ?? [];

/** Clicks the chart's link at its box and returns the file the browser saved. */
async function download(page: Page, box: { x: number; y: number; width: number; height: number }) {
  const saved = page.waitForEvent("download", { timeout: 30_000 });
  // The mouse, not a locator: a data: URL download leaves a navigation pending that locators would wait on.
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const file: Download = await saved.catch((error: Error) => {
    throw new Error(`${error.message}; page errors: ${JSON.stringify(errorsOf(page))}`);
  });
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
}

/** The CSV's rows as records (quoted cells with "" inside, numbers bare). */
function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split("\n");
  const cell = /"((?:[^"]|"")*)"|([^,]*)/y;
  const split = (line: string): string[] => {
    const out: string[] = [];
    cell.lastIndex = 0;
    for (;;) {
      const m = cell.exec(line)!;
      out.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]);
      if (cell.lastIndex >= line.length) return out;
      cell.lastIndex++; // the comma
    }
  };
  const names = split(header);
  return lines.map((line) => Object.fromEntries(split(line).map((v, i) => [names[i], v])));
}

describe(
  "scalars in JupyterLab: CSV/JSON download of what is shown (headless Chromium)",
  { timeout: 300_000 },
  () => {
    let lab: RunningLab | undefined;
    let session: BrowserSession | undefined;

    before(async () => {
      mkdirSync(FOLDER, { recursive: true });
      writeLogdir();
      writeOneCellNotebook(NOTEBOOK, CELL);
      lab = await startLabWithKernel();
      session = await openBrowser();
      pageErrors.set(session.page, session.errors);
      // A data: link is a top-frame navigation that ends in a download: JupyterLab first asks to leave the page when
      // the notebook has unsaved changes. The test answers as the user would ("Leave"; the page stays).
      session.page.removeAllListeners("dialog");
      session.page.on("dialog", (dialog) => {
        if (dialog.type() === "beforeunload") void dialog.accept();
        else {
          session!.errors.push(`dialog: ${dialog.type()} ${dialog.message()}`);
          void dialog.dismiss();
        }
      });
      await openNotebook(session.page, lab, NOTEBOOK);
      await runAllCells(session.page);
    });

    after(() => closeAll(session, lab));

    it("downloads the shown runs, tag and points with the slider's smoothing, as CSV and as JSON", async () => {
      const page = session!.page;
      const chart = page.locator(".jp-OutputArea-output .vega-embed");
      await chart.locator("svg.marks").waitFor({ timeout: 60_000 });
      assert.deepEqual(await errorOutputs(page), []);
      // The slider is vega's own input: set it as a user's drag would, then let the chart redraw.
      await chart.locator('input[name="smoothing"]').evaluate((input: HTMLInputElement) => {
        input.value = "0.9";
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(FOLDER, "scalars.png") });
      const links = chart.locator("svg.marks text");
      const boxOf = async (label: string) => (await links.getByText(label, { exact: true }).boundingBox())!;
      const [csvBox, jsonBox] = [await boxOf("CSV"), await boxOf("JSON")];

      const logdir = loadLogdir(LOGDIR);
      const expected = RUNS.flatMap((run) => {
        const series = logdir.runs.get(run)!.scalars.get("loss")!;
        const smoothed = smooth(series.values, 0.9);
        return [...series.steps].map((step, i) => ({
          run,
          step,
          wall: series.wallTimes[i],
          value: series.values[i],
          smoothed: smoothed[i],
        }));
      });
      const key = (r: { run: string; step: number }): string => `${r.run}@${r.step}`;
      const byKey = new Map(expected.map((r) => [key(r), r]));
      const check = (
        rows: {
          run: string;
          tag: string;
          step: number;
          wall_time: number;
          value: number;
          smoothed: number;
        }[],
      ) => {
        assert.equal(rows.length, expected.length, "every drawn point of both runs");
        assert.deepEqual(new Set(rows.map((r) => r.tag)), new Set(["loss"]), "only the shown tag");
        for (const row of rows) {
          const want = byKey.get(key(row))!;
          assert.ok(want, `${key(row)} is a logged point`);
          assert.equal(row.value, want.value);
          assert.ok(Math.abs(row.wall_time - want.wall) < 1e-6, `${key(row)} wall time`);
          assert.ok(Math.abs(row.smoothed - want.smoothed) < 1e-9, `${key(row)} smoothed at 0.9`);
        }
      };

      const csv = await download(page, csvBox);
      assert.equal(csv.name, "download.csv");
      const csvRows = parseCsv(csv.text);
      assert.deepEqual(Object.keys(csvRows[0]), ["run", "tag", "step", "wall_time", "value", "smoothed"]);
      check(
        csvRows.map((r) => ({
          run: r.run,
          tag: r.tag,
          step: Number(r.step),
          wall_time: Number(r.wall_time),
          value: Number(r.value),
          smoothed: Number(r.smoothed),
        })),
      );
      const json = await download(page, jsonBox);
      check(JSON.parse(json.text));
      assert.deepEqual(session!.errors, []);
    });
  },
);
