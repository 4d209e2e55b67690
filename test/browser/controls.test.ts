// Standard controls in a real JupyterLab (headless Chromium): an interact() slider drawn by JupyterLab's own
// @jupyter-widgets/controls (no extension of ours involved), moved with the keyboard, and the Output redrawn
// with fn's new result by the kernel.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
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

const FOLDER = join(ROOT, "test", "artifacts", "controls");
const NOTEBOOK = "test/artifacts/controls/interact.ipynb";

const CELL = [
  'import * as widgets from "tensorscope/widgets";',
  "widgets.interact(({ n }) => `n squared is ${n * n}`, { n: [0, 10] })",
].join("\n");

describe("standard controls in JupyterLab (headless Chromium)", { timeout: 300_000 }, () => {
  let lab: RunningLab | undefined;
  let session: BrowserSession | undefined;

  before(async () => {
    mkdirSync(FOLDER, { recursive: true });
    writeOneCellNotebook(NOTEBOOK, CELL);
    lab = await startLabWithKernel();
    session = await openBrowser();
    await openNotebook(session.page, lab, NOTEBOOK);
    await runAllCells(session.page);
  });

  after(() => closeAll(session, lab));

  it("moving an interact slider re-runs the function and shows the new result", async () => {
    const page = session!.page;
    const output = page.locator(".widget-output");
    await output.getByText("'n squared is 25'").waitFor({ timeout: 60_000 });
    const handle = page.locator(".widget-slider .noUi-handle").first();
    await handle.focus();
    await page.keyboard.press("ArrowRight");
    await output.getByText("'n squared is 36'").waitFor({ timeout: 30_000 });
    assert.equal(await page.locator(".widget-readout").first().textContent(), "6");
    await page.screenshot({ path: join(FOLDER, "interact.png"), fullPage: true });
    assert.deepEqual(await errorOutputs(page), []);
  });
});
