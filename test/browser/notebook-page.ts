// Driving a notebook in JupyterLab through the app object (--expose-app-in-browser): open, wait for the
// kernel, run all cells, wait for them to finish, read outputs.
import type { Page } from "playwright-core";
import type { RunningLab } from "./jupyterlab";

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
