// The scalar chart's in-browser controls: the smoothing slider gives TensorBoard's debiased EMA at any weight (both
// ways it is computed in vega), the x-axis control switches step / relative / wall time, with no kernel call, and
// the CSV/JSON links hold the points shown, smoothed at the slider's weight.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vl from "vega-lite";
import { SummaryWriter, loadLogdir, scalars } from "../../src/index";
import { smooth } from "../../src/views/smoothing";
import { smoothingPlan } from "../../src/views/scalars-live";
import { scalarChart } from "../../src/board/data";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

async function drawnRows(spec: unknown, signals: Record<string, unknown>): Promise<Record<string, number>[]> {
  const vega = await import("vega");
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  for (const [name, value] of Object.entries(signals)) view.signal(name, value);
  await view.runAsync();
  const names = (compiled.data ?? []).map((d) => d.name);
  const rows = names
    .map((name) => view.data(name) as Record<string, number>[])
    .find((d) => d.length && "smoothedLive" in d[0]);
  view.finalize();
  assert.ok(rows, "a dataset holds the smoothed values");
  return rows!;
}

test("the smoothing slider reproduces TensorBoard's EMA at every weight, and the axis control switches x", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-live-scalars-"));
  try {
    const writer = new SummaryWriter(dir);
    for (let step = 0; step < 400; step++)
      writer.addScalar("loss", Math.sin(step / 7) + step / 100 + (step % 13) / 5, step * 3, 500 + step * 2);
    writer.close();
    const series = loadLogdir(dir).runs.get(".")!.scalars.get("loss")!;
    const view = scalars(dir, { smoothing: 0.6 });
    assert.equal(smoothingPlan(400).threshold, 0.5, "400 points: the running sum serves w ≥ 0.5");
    for (const weight of [0, 0.2, 0.45, 0.5, 0.6, 0.9, 0.99, 0.999]) {
      const expected = smooth(series.values, weight);
      const rows = (await drawnRows(view.spec, { smoothing: weight })).sort((a, b) => a.i - b.i);
      assert.equal(rows.length, 400);
      rows.forEach((row, k) =>
        assert.ok(
          Math.abs(row.smoothedLive - expected[k]) <= 1e-9 * Math.max(1, Math.abs(expected[k])),
          `w=${weight} point ${k}: ${row.smoothedLive} vs ${expected[k]}`,
        ),
      );
    }
    const relative = (await drawnRows(view.spec, { xAxis: "relative" })).sort((a, b) => a.i - b.i);
    assert.deepEqual(
      relative.slice(0, 3).map((r) => r.xLive),
      [0, 2, 4],
    );
    const steps = (await drawnRows(view.spec, { xAxis: "step" })).sort((a, b) => a.i - b.i);
    assert.deepEqual(
      steps.slice(0, 3).map((r) => r.xLive),
      [0, 3, 6],
    );
    const wall = (await drawnRows(view.spec, { xAxis: "wall" })).sort((a, b) => a.i - b.i);
    assert.equal(wall[1].xLive, 502_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("long series: the plan keeps w^-n finite and the dropped tail below 1e-12", () => {
  for (const n of [10, 1000, 5000]) {
    const { threshold, lags } = smoothingPlan(n);
    assert.ok(Number.isFinite(Math.pow(threshold, -n)), `n=${n}`);
    assert.ok(Math.pow(threshold, lags + 1) < 1e-12, `n=${n}`);
  }
});

test("the CSV and JSON links hold what the chart shows, with the slider's smoothing; not in the still picture or on the board", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-live-download-"));
  try {
    for (const run of ['odd "run", #1 %', "plain"]) {
      const writer = new SummaryWriter(join(dir, run));
      for (let step = 0; step < 30; step++) {
        writer.addScalar("loss", Math.cos(step / 3) + step / 10, step, 2000 + step);
        writer.addScalar("acc", step / 30, step, 2000 + step);
      }
      writer.close();
    }
    const view = scalars(dir, { tags: ["loss"], runs: /odd/ });
    const vega = await import("vega");
    const compiled = vl.compile(view.spec as never).spec;
    const chart = new vega.View(vega.parse(compiled), { renderer: "none" });
    chart.signal("smoothing", 0.8);
    await chart.runAsync();
    const hrefs = (compiled.data ?? [])
      .flatMap((d) => chart.data(d.name) as Record<string, unknown>[])
      .map((row) => row.downloadHref)
      .filter((h): h is string => typeof h === "string");
    chart.finalize();
    const csvHref = hrefs.find((h) => h.startsWith("data:text/csv;charset=utf-8,"))!;
    const jsonHref = hrefs.find((h) => h.startsWith("data:application/x-json;charset=utf-8,"))!;
    assert.ok(csvHref && jsonHref, "one CSV and one JSON link");
    const series = loadLogdir(dir).runs.get('odd "run", #1 %')!.scalars.get("loss")!;
    const expected = smooth(series.values, 0.8);
    const json = JSON.parse(decodeURIComponent(jsonHref.slice(jsonHref.indexOf(",") + 1))) as Record<
      string,
      unknown
    >[];
    assert.equal(json.length, 30, "every drawn point of the one run and tag shown");
    json.forEach((row, k) => {
      assert.equal(row.run, 'odd "run", #1 %');
      assert.equal(row.tag, "loss");
      assert.equal(row.step, k);
      assert.equal(row.value, series.values[k]);
      assert.ok(Math.abs((row.wall_time as number) - (2000 + k)) < 1e-6);
      assert.ok(Math.abs((row.smoothed as number) - expected[k]) < 1e-9, `smoothed at 0.8, point ${k}`);
    });
    const csv = decodeURIComponent(csvHref.slice(csvHref.indexOf(",") + 1)).split("\n");
    assert.equal(csv[0], "run,tag,step,wall_time,value,smoothed");
    assert.equal(csv.length, 31);
    assert.equal(csv[1], `"odd ""run"", #1 %","loss",0,2000,${series.values[0]},${expected[0]}`);
    assert.doesNotMatch(await view.toSvg(), /downloadHref|>CSV</, "no links in the still picture");
    const board = scalarChart(loadLogdir(dir), "loss");
    assert.doesNotMatch(JSON.stringify(board.spec), /downloadHref/, "the board's page has buttons instead");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
