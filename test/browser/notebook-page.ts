// Driving a notebook in JupyterLab through the app object (--expose-app-in-browser): start JupyterLab with the
// tensorscope kernel, write a test notebook, open it, wait for the kernel, run all cells, wait for them to finish,
// read outputs, and close everything.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { kernelSpec } from "../../kernel-ext/kernelspec";
import type { BrowserSession } from "./chromium";
import { ROOT, startJupyterLab, type RunningLab } from "./jupyterlab";

/** A throwaway JupyterLab whose data dir has the tensorscope kernelspec. */
export function startLabWithKernel(): Promise<RunningLab> {
  return startJupyterLab({
    beforeStart: (dataDir) => {
      const dir = join(dataDir, "kernels", "tensorscope");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec()));
    },
  });
}

/** Writes a notebook of one code cell on the tensorscope kernel at `path` (relative to the project root). */
export function writeOneCellNotebook(path: string, source: string): void {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "tensorscope", display_name: "TypeScript (tensorscope)", language: "typescript" },
    },
    cells: [{ cell_type: "code", id: "c0", metadata: {}, source, outputs: [], execution_count: null }],
  };
  writeFileSync(join(ROOT, path), JSON.stringify(notebook));
}

/** Closes the browser, then stops JupyterLab even when closing the browser failed. */
export async function closeAll(
  session: BrowserSession | undefined,
  lab: RunningLab | undefined,
): Promise<void> {
  try {
    await session?.close();
  } finally {
    await lab?.stop();
  }
}

type LabWindow = {
  jupyterapp: {
    commands: { execute(id: string): Promise<unknown> };
    shell: {
      currentWidget: { sessionContext: { session?: { kernel?: { status: string; id: string } } } } | null;
    };
  };
};

export async function openNotebook(page: Page, lab: RunningLab, path: string): Promise<void> {
  await page.goto(`${lab.baseUrl}/lab/tree/${path}?token=${lab.token}&reset`);
  await page.waitForSelector(".jp-Notebook", { timeout: 60_000 });
  await page.waitForFunction(
    () =>
      (window as unknown as LabWindow).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel
        ?.status === "idle",
    null,
    { timeout: 90_000 },
  );
}

export async function kernelId(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      (window as unknown as LabWindow).jupyterapp.shell.currentWidget?.sessionContext.session?.kernel?.id ??
      "",
  );
}

/** Runs every cell and waits until no prompt shows "[*]" and the kernel is idle again. */
export async function runAllCells(page: Page, timeoutMs = 180_000): Promise<void> {
  await page.evaluate(() =>
    (window as unknown as LabWindow).jupyterapp.commands.execute("notebook:run-all-cells"),
  );
  await page.waitForFunction(
    () => {
      const prompts = Array.from(
        document.querySelectorAll(".jp-InputArea-prompt"),
        (p) => p.textContent ?? "",
      );
      const app = (window as unknown as LabWindow).jupyterapp;
      const idle = app.shell.currentWidget?.sessionContext.session?.kernel?.status === "idle";
      return idle && prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
    },
    null,
    { timeout: timeoutMs, polling: 250 },
  );
}

/** Lines the library prints on stderr by design (the tfjs backend banner). */
const EXPECTED_STDERR = /^tensorscope: using the \w+ backend.*$/;

/** Text of stderr/error outputs other than expected notices. */
export async function errorOutputs(page: Page): Promise<string[]> {
  const texts = await page.$$eval(
    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-OutputArea-output.jp-mod-error',
    (nodes) => nodes.map((n) => n.textContent ?? ""),
  );
  return texts
    .map((text) =>
      text
        .split("\n")
        .filter((line) => line.trim() && !EXPECTED_STDERR.test(line))
        .join("\n"),
    )
    .filter(Boolean);
}

export async function canvasData(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (c) => (c as HTMLCanvasElement).toDataURL("image/png"));
}
