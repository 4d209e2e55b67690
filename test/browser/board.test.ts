// The board in headless Chromium: opens on the scalars, switches dashboards, expands a graph scope, sees a point
// the writer adds pushed to the page, zooms a scalar chart and gets every point of the zoomed range; screenshots in
// test/artifacts/board/; downloads what a zoomed chart shows. Path traversal and oversized requests are refused.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, startBoard, type Board } from "../../src/index";
import { tf } from "../../src/backend";
import { openBrowser, type BrowserSession } from "./chromium";

const ARTIFACTS = join(__dirname, "..", "artifacts", "board");

/** A raw GET: the path is sent as written (fetch would resolve "/../"). */
function rawGet(board: Board, path: string, headers: Record<string, string> = {}): Promise<number | "reset"> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: board.port, path, method: "GET", headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNRESET" ? resolve("reset") : reject(error),
    );
    req.end();
  });
}

describe("tensorscope board (headless Chromium)", { timeout: 180_000 }, () => {
  let dir = "";
  let board: Board;
  let writer: SummaryWriter;
  let session: BrowserSession;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), "ts-board-"));
    const other = new SummaryWriter(join(dir, "lr_0.01"));
    writer = new SummaryWriter(join(dir, "lr_0.1"));
    for (let step = 0; step < 3000; step++) {
      writer.addScalar("loss", Math.exp(-step / 700) + 0.05 * Math.sin(step / 9), step, 1000 + step);
      other.addScalar("loss", 1.5 * Math.exp(-step / 900) + 0.05 * Math.cos(step / 7), step, 1000 + step);
    }
    for (let step = 0; step < 3; step++)
      writer.addHistogram(
        "dense/kernel",
        Array.from({ length: 200 }, (_, i) => Math.sin(i) + step),
        step,
      );
    writer.addText("notes", "**bold** <script>window.__pwned = 1</script>", 0);
    const model = tf.sequential({
      name: "mlp",
      layers: [
        tf.layers.dense({ units: 4, inputShape: [3], name: "hidden" }),
        tf.layers.dense({ units: 1, name: "out" }),
      ],
    });
    writer.addGraph(model);
    model.dispose();
    writer.flush();
    other.close();
    board = await startBoard({ logdir: dir, port: 0, reloadMs: 300 });
    session = await openBrowser();
  });

  after(async () => {
    await session?.close();
    await board?.close();
    writer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("opens on the scalars, switches dashboards, expands a graph scope", async () => {
    const { page } = session;
    await page.goto(board.url);
    await page.waitForSelector('main[data-ready="scalars"] .card[data-drawn="1"] svg', { timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, "1-scalars.png") });
    for (const kind of ["histograms", "distributions", "text", "graph"]) {
      await page.click(`nav button[data-kind="${kind}"]`);
      await page.waitForSelector(`main[data-ready="${kind}"] .card[data-drawn="1"]`);
      await page.screenshot({ path: join(ARTIFACTS, `2-${kind}.png`) });
      if (kind === "text") assert.ok(await page.$("main .card strong"), "markdown rendered");
    }
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    await page.click('main .card g.scope[data-scope="hidden"]');
    await page.waitForSelector('main .card g.cluster[data-scope="hidden"]');
    await page.screenshot({ path: join(ARTIFACTS, "3-graph-expanded.png") });
    assert.deepEqual(session.errors, []);
  });

  it("shows a point the writer adds, pushed by the server", async () => {
    const { page } = session;
    await page.click('nav button[data-kind="scalars"]');
    await page.waitForSelector('main[data-ready="scalars"] .card[data-drawn="1"] svg');
    const hasStep = (step: number) =>
      page.evaluate((s) => {
        const views = (
          window as unknown as {
            __boardViews: Record<string, { data(n: string): { step: number; run: string }[] }>;
          }
        ).__boardViews;
        return views.loss.data("points").some((r) => r.step === s && r.run === "lr_0.1");
      }, step);
    assert.equal(await hasStep(3000), false);
    writer.addScalar("loss", 2, 3000, 4000);
    writer.flush();
    await page.waitForFunction(
      () => document.querySelector("main")?.dataset.version !== undefined,
      undefined,
      { timeout: 20_000 },
    );
    await page.waitForFunction(
      () => {
        const views = (
          window as unknown as { __boardViews: Record<string, { data(n: string): { step: number }[] }> }
        ).__boardViews;
        return views.loss.data("points").some((r) => r.step === 3000);
      },
      undefined,
      { timeout: 20_000 },
    );
    assert.equal(await hasStep(3000), true);
    await page.screenshot({ path: join(ARTIFACTS, "4-new-point.png") });
  });

  it("zooms a scalar chart with the wheel and gets every point of the zoomed range", async () => {
    const { page } = session;
    const plot = await page.$('main .card[data-tag="loss"] svg .mark-line path');
    const box = (await plot!.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(40);
    }
    await page.waitForSelector('main .card[data-tag="loss"][data-zoomed]', { timeout: 20_000 });
    await page.waitForTimeout(500);
    const { zoomed, count } = await page.evaluate(() => {
      const card = document.querySelector('main .card[data-tag="loss"]') as HTMLElement;
      const views = (window as unknown as { __boardViews: Record<string, { data(n: string): unknown[] }> })
        .__boardViews;
      return { zoomed: card.dataset.zoomed!.split(",").map(Number), count: views.loss.data("points").length };
    });
    const [lo, hi] = zoomed;
    assert.ok(hi - lo < 1000, `zoomed in to ${lo}..${hi}`);
    // Steps are the integers 0..3000 in both runs: all in [lo, hi] plus one either side, nothing sampled away.
    const inRange = Math.min(3000, Math.floor(hi)) - Math.max(0, Math.ceil(lo)) + 1;
    const edges = (Math.ceil(lo) > 0 ? 1 : 0) + (Math.floor(hi) < 2999 ? 1 : 0);
    assert.ok(
      Math.abs(count - 2 * (inRange + edges)) <= 2,
      `${count} points drawn for ${inRange} steps per run`,
    );
    await page.screenshot({ path: join(ARTIFACTS, "5-zoomed.png") });
    assert.deepEqual(session.errors, []);
  });

  it("downloads what the zoomed chart shows as CSV and JSON, the notebook chart's columns", async () => {
    const { page } = session;
    const card = page.locator('main .card[data-tag="loss"]');
    const drawn = await page.evaluate(() => {
      const el = document.querySelector('main .card[data-tag="loss"]') as HTMLElement;
      const [lo, hi] = el.dataset.zoomed!.split(",").map(Number);
      const views = (
        window as unknown as { __boardViews: Record<string, { data(n: string): { step: number }[] }> }
      ).__boardViews;
      // The x axis is the step (the default): the points drawn in the zoomed range.
      return views.loss.data("points").filter((r) => r.step >= lo && r.step <= hi).length;
    });
    const save = async (label: string) => {
      const saved = page.waitForEvent("download");
      await card.getByRole("button", { name: `download ${label}` }).click();
      const file = await saved;
      return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
    };
    const csv = await save("CSV");
    assert.equal(csv.name, "loss.csv");
    const [header, ...lines] = csv.text.trim().split("\n");
    assert.equal(header, "run,tag,step,wall_time,value,smoothed");
    assert.equal(lines.length, drawn, "every point drawn in the zoomed range");
    const json = await save("JSON");
    assert.equal(json.name, "loss.json");
    const rows = JSON.parse(json.text) as { run: string; step: number; wall_time: number; value: number }[];
    assert.equal(rows.length, drawn);
    // The writer logged step s at wall time 1000 + s (seconds).
    for (const row of rows) assert.equal(row.wall_time, 1000 + row.step, `${row.run} step ${row.step}`);
    assert.deepEqual(session.errors, []);
  });

  it("refuses path traversal (plain and encoded) and oversized requests", async () => {
    for (const path of [
      "/../../etc/passwd",
      "/static/../../etc/passwd",
      "/static/..%2F..%2Fetc%2Fpasswd",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/static/....//....//etc/passwd",
    ])
      assert.equal(await rawGet(board, path), 404, path);
    // Node's parser refuses over 16 KB of request line and headers: a 431 answer or a closed connection.
    const refused = [431, "reset"];
    assert.ok(refused.includes(await rawGet(board, `/api/catalog?x=${"a".repeat(20_000)}`)), "a 20 KB URL");
    assert.ok(
      refused.includes(await rawGet(board, "/api/catalog", { "x-big": "b".repeat(20_000) })),
      "a 20 KB header",
    );
    assert.equal(await rawGet(board, "/api/catalog"), 200, "the server still answers");
    const posted = await fetch(new URL("/api/catalog", board.url), {
      method: "POST",
      body: "x".repeat(1 << 20),
      headers: { "content-type": "application/json" },
    });
    assert.ok([404, 413].includes(posted.status), `a 1 MB body: ${posted.status}`);
  });
});
