// The scalar chart's in-browser controls: the smoothing slider gives TensorBoard's debiased EMA at any weight (both
// ways it is computed in vega), and the x-axis control switches step / relative / wall time, with no kernel call.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as vl from "vega-lite";
import { SummaryWriter, loadLogdir, scalars } from "../../src/index";
import { smooth } from "../../src/views/smoothing";
import { smoothingPlan } from "../../src/views/scalars-live";
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
