// Page-side probes for the widget tests: record how the monitor's point count grows, and send a raw comm
// message on the notebook's kernel connection (as a misbehaving frontend would).
import type { Page } from "playwright-core";

type Probe = { __tensorscopeGrowth?: number[] };

/** Samples the monitor canvas's point count every 20 ms from now on, keeping each new value. */
export async function recordMonitorGrowth(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = window as unknown as Probe;
    probe.__tensorscopeGrowth = [];
    setInterval(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(".tensorscope-monitor-canvas");
      const points = Number(canvas?.dataset.points ?? 0);
      const seen = probe.__tensorscopeGrowth!;
      if (points > 0 && points !== seen[seen.length - 1]) seen.push(points);
    }, 20);
  });
}

export async function monitorGrowth(page: Page): Promise<number[]> {
  return page.evaluate(() => (window as unknown as Probe).__tensorscopeGrowth ?? []);
}

export async function sendCommMessage(
  page: Page,
  commId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await page.evaluate(
    ([id, payload]) => {
      type Kernel = { clientId: string; username: string; sendShellMessage(msg: unknown): unknown };
      const app = (
        window as unknown as {
          jupyterapp: { shell: { currentWidget: { sessionContext: { session: { kernel: Kernel } } } } };
        }
      ).jupyterapp;
      const kernel = app.shell.currentWidget.sessionContext.session.kernel;
      kernel.sendShellMessage({
        header: {
          msg_id: crypto.randomUUID(),
          msg_type: "comm_msg",
          session: kernel.clientId,
          username: kernel.username,
          date: new Date().toISOString(),
          version: "5.3",
        },
        parent_header: {},
        metadata: {},
        content: { comm_id: id, data: payload },
        channel: "shell",
        buffers: [],
      });
    },
    [commId, data] as const,
  );
}

/**
 * From now on: the time of every monitor redraw, per widget title (a MutationObserver on the canvas's
 * data-redraws counter).
 */
// A string, not a function: tsx wraps named inner functions in a `__name` helper that the page does not have.
const REDRAW_PROBE = `(() => {
  const probe = window;
  probe.__tensorscopeRedraws = {};
  new MutationObserver((records) => {
    for (const record of records) {
      const widget = record.target.closest(".tensorscope-widget");
      const title = (widget && widget.querySelector(".tensorscope-title")?.textContent) || "?";
      (probe.__tensorscopeRedraws[title] ??= []).push(performance.now());
    }
  }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-redraws"] });
})()`;

export async function recordRedraws(page: Page): Promise<void> {
  await page.evaluate(REDRAW_PROBE);
}

type RedrawProbe = { __tensorscopeRedraws?: Record<string, number[]> };

export async function redrawTimes(page: Page, title: string): Promise<number[]> {
  return page.evaluate((t) => (window as unknown as RedrawProbe).__tensorscopeRedraws?.[t] ?? [], title);
}
