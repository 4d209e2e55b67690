// Standard controls in a real JupyterLab (headless Chromium): an interact() slider drawn by JupyterLab's own
// @jupyter-widgets/controls (no extension of ours involved), moved with the keyboard, and the Output redrawn
// with fn's new result by the kernel.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { kernelSpec } from "../../kernel-ext/kernelspec";
import { openBrowser, type BrowserSession } from "./chromium";
import { ROOT, startJupyterLab, type RunningLab } from "./jupyterlab";
import { errorOutputs, openNotebook, runAllCells } from "./notebook-page";

const FOLDER = join(ROOT, "test", "artifacts", "controls");
const NOTEBOOK = "test/artifacts/controls/interact.ipynb";

const CELL = [
  'import * as widgets from "tensorscope/widgets";',
  "widgets.interact(({ n }) => `n squared is ${n * n}`, { n: [0, 10] })",
].join("\n");

function writeNotebook(): void {
  mkdirSync(FOLDER, { recursive: true });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tensorscope", display_name: "TypeScript (tensorscope)", language: "typescript" },
    },
    cells: [{ cell_type: "code", id: "c0", metadata: {}, source: CELL, outputs: [], execution_count: null }],
  };
  writeFileSync(join(ROOT, NOTEBOOK), JSON.stringify(notebook));
}

describe("standard controls in JupyterLab (headless Chromium)", { timeout: 300_000 }, () => {
  let lab: RunningLab | undefined;
  let session: BrowserSession | undefined;

  before(async () => {
    writeNotebook();
    lab = await startJupyterLab({
      beforeStart: (dataDir) => {
        const dir = join(dataDir, "kernels", "tensorscope");
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec()));
      },
    });
    session = await openBrowser();
    await openNotebook(session.page, lab, NOTEBOOK);
    await runAllCells(session.page);
  });

  after(async () => {
    try {
      await session?.close();
    } finally {
      await lab?.stop();
    }
  });

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
