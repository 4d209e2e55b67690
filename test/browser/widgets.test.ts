// The widgets in a real browser: JupyterLab from .venv on 127.0.0.1, headless Debian Chromium through
// playwright-core, the test notebook notebooks/widgets/widgets.ipynb run on the tensorscope kernel.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { kernelSpec } from "../../kernel-ext/kernelspec";
import { openBrowser, type BrowserSession } from "./chromium";
import { ROOT, startJupyterLab, type RunningLab } from "./jupyterlab";
import { canvasData, errorOutputs, openNotebook, runAllCells } from "./notebook-page";

const ARTIFACTS = join(ROOT, "test", "artifacts", "widgets");
const NOTEBOOK = "notebooks/widgets/widgets.ipynb";

/** The set-up builds and links the labextension; this is a quick no-op when it is up to date. */
function ensureLabextension(): void {
  execFileSync("bash", [join(ROOT, "widgets", "build-labextension.sh")], { stdio: "pipe" });
}

function installKernel(dataDir: string): void {
  const dir = join(dataDir, "kernels", "tensorscope");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec()));
}

describe("widgets in JupyterLab (headless Chromium)", { timeout: 300_000 }, () => {
  let lab: RunningLab | undefined;
  let session: BrowserSession | undefined;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ensureLabextension();
    lab = await startJupyterLab({ beforeStart: installKernel });
    session = await openBrowser();
    await openNotebook(session.page, lab, NOTEBOOK);
    await runAllCells(session.page);
    await session.page.screenshot({ path: join(ARTIFACTS, "notebook.png"), fullPage: true });
  });

  after(async () => {
    try {
      await session?.close();
    } finally {
      await lab?.stop();
    }
  });

  it("runs every cell without an error output", async () => {
    assert.deepEqual(await errorOutputs(session!.page), []);
  });

  it("redraws the histogram locally when the step slider moves", async () => {
    const { page } = session!;
    const canvas = ".tensorscope-histogram-canvas";
    await page.waitForSelector(canvas);
    const before = await canvasData(page, canvas);
    const slider = page.locator(".tensorscope-step-slider").first();
    await slider.focus();
    await page.keyboard.press("Home");
    const after = await canvasData(page, canvas);
    assert.notEqual(after, before, "the drawn histogram must change with the step");
    assert.match((await page.textContent(".tensorscope-step-readout")) ?? "", /^step 0 \(1\/6\)/);
    await page
      .locator(".tensorscope-histogram-canvas")
      .first()
      .screenshot({ path: join(ARTIFACTS, "histogram.png") });
  });

  it("keeps markup in user-named text inert", async () => {
    const { page } = session!;
    const titles = await page.$$eval(".tensorscope-title", (nodes) => nodes.map((n) => n.textContent));
    assert.ok(titles.includes("weights <img src=x onerror=alert(1)>"), `titles: ${JSON.stringify(titles)}`);
    assert.equal(await page.locator('img[src="x"]').count(), 0, "no <img> element may come from user text");
  });

  it("logs no console errors in the page", () => {
    assert.deepEqual(session!.errors, []);
  });
});
