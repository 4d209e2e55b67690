// Start → first chart drawn in headless Chromium, `tensorscope board` against TensorBoard (.venv/bin/tensorboard,
// its default data loading, which uses the Rust data server when installed), on the 1.6 M-point benchmark logdir
// (20 runs × 4 tags × 20,000 steps). The clock starts when the server process is spawned; the page is requested
// until the server answers; a chart counts as drawn when its plot area has non-white pixels (TensorBoard draws its
// lines on a canvas, the board's vega charts into SVG), checked on a screenshot of that element. Alternating rounds.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import type { Page } from "playwright-core";
import { benchmarkLogdir, RUNS, STEPS, TAGS } from "./events-fixture";
import { openBrowser } from "../test/browser/chromium";

const ROOT = join(__dirname, "..");
const ROUNDS = Number(process.env.BOARD_BENCH_ROUNDS ?? 3);
const TIMEOUT_MS = 240_000;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Any pixel of the element that is not (near) white. */
async function hasInk(page: Page, selector: string): Promise<boolean> {
  const element = await page.$(selector);
  if (!element) return false;
  try {
    const png = PNG.sync.read(await element.screenshot({ timeout: 2000 }));
    for (let i = 0; i < png.data.length; i += 4)
      if (png.data[i + 3] > 0 && (png.data[i] < 200 || png.data[i + 1] < 200 || png.data[i + 2] < 200))
        return true;
  } catch {
    return false;
  }
  return false;
}

async function timeToFirstChart(
  page: Page,
  start: () => ChildProcess,
  url: string,
  chart: string,
): Promise<number> {
  const t0 = performance.now();
  const child = start();
  try {
    for (;;) {
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`no answer from ${url}`);
      try {
        await page.goto(url, { timeout: 10_000 });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    while (!(await hasInk(page, chart))) {
      if (performance.now() - t0 > TIMEOUT_MS) throw new Error(`no chart drawn at ${url}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    child.kill("SIGKILL");
    await page.goto("about:blank");
  }
}

async function main(): Promise<void> {
  const cli = join(ROOT, "dist", "kernel-ext", "cli.js");
  if (!existsSync(cli)) throw new Error("board.bench needs the build: npm run build");
  const logdir = benchmarkLogdir("legacy");
  // Both servers read the files from the page cache: read them once before the first round.
  for (const run of readdirSync(logdir, { withFileTypes: true }).filter((e) => e.isDirectory()))
    for (const file of readdirSync(join(logdir, run.name))) readFileSync(join(logdir, run.name, file));
  const session = await openBrowser();
  const results: { ours: number[]; tensorboard: number[] } = { ours: [], tensorboard: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const ourPort = await freePort();
      results.ours.push(
        await timeToFirstChart(
          session.page,
          () =>
            spawn(process.execPath, [cli, "board", logdir, "--port", String(ourPort)], { stdio: "ignore" }),
          `http://127.0.0.1:${ourPort}/`,
          'main .card[data-drawn="1"] svg .mark-line',
        ),
      );
      const tbPort = await freePort();
      results.tensorboard.push(
        await timeToFirstChart(
          session.page,
          () =>
            spawn(
              join(ROOT, ".venv", "bin", "tensorboard"),
              ["--logdir", logdir, "--host", "127.0.0.1", "--port", String(tbPort)],
              {
                stdio: "ignore",
              },
            ),
          `http://127.0.0.1:${tbPort}/`,
          "scalar-card line-chart canvas",
        ),
      );
      console.log(
        `round ${round + 1}: ours ${results.ours.at(-1)!.toFixed(2)} s, TensorBoard ${results.tensorboard.at(-1)!.toFixed(2)} s`,
      );
    }
  } finally {
    await session.close();
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(1)}`,
  );
  console.log(
    `logdir: ${RUNS} runs x ${TAGS} tags x ${STEPS} steps = ${(RUNS * TAGS * STEPS).toLocaleString("en")} points`,
  );
  console.log(
    `start -> first chart drawn, median of ${ROUNDS}: ours ${median(results.ours).toFixed(2)} s (all ${results.ours.map((x) => x.toFixed(2)).join(", ")}), ` +
      `TensorBoard ${median(results.tensorboard).toFixed(2)} s (all ${results.tensorboard.map((x) => x.toFixed(2)).join(", ")}), ` +
      `TensorBoard / ours ${(median(results.tensorboard) / median(results.ours)).toFixed(2)}x`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
