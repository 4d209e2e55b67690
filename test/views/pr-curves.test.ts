// prCurves(): TensorBoard's PR Curves tab as a vega-lite chart with a step slider, and a text table of each
// step's best F1 (hand-computed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vl from "vega-lite";
import { SummaryWriter, prCurves } from "../../src/index";
import { toMimeBundle } from "../../src/display";
import { VEGA_LITE_MIME } from "../../src/views/render";
import { bestF1 } from "../../src/views/pr-curves";
import { computePrCurve } from "../../src/events/pr-curve";

test("prCurves: a slider over steps, one curve per step, best F1 per step in the text", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-pr-view-"));
  try {
    const writer = new SummaryWriter(dir);
    // Step 0 (see test/events/pr-curve.test.ts): precision [0.6, 1/3, 0], recall [1, 1/3, 0] at thresholds
    // 0, 0.5, 1. F1 = 2PR/(P+R): 0.75 at 0, 1/3 at 0.5, 0 at 1. Step 1 ranks perfectly: F1 1 at threshold 0.5.
    writer.addPrCurve("cls", [1, 0, 1, 1, 0], [0.9, 0.8, 0.4, 0, 0.5], 0, { numThresholds: 3 });
    writer.addPrCurve("cls", [1, 0, 1, 0], [0.9, 0.1, 0.7, 0.2], 1, { numThresholds: 3 });
    writer.close();
    const view = prCurves(dir, "cls");
    const bundle = await toMimeBundle(view);
    assert.equal(
      bundle["text/plain"],
      [
        'PR curves of "cls" in run "." (2 steps)',
        "run  step  thresholds  best F1  at threshold  precision  recall",
        ".    0     3           0.75     0             0.6        1",
        ".    1     3           1        0.5           1          1",
      ].join("\n"),
    );
    const spec = bundle[VEGA_LITE_MIME] as {
      params: { bind: { max: number } }[];
      data: { values: { step: number; threshold: number }[] };
    };
    assert.equal(spec.params[0].bind.max, 1);
    // Threshold 1 predicts nothing positive at either step: left out, as TensorBoard does (its precision is 0/0).
    assert.deepEqual(
      spec.data.values.map((v) => [v.step, v.threshold]),
      [
        [0, 0],
        [0, 0.5],
        [1, 0],
        [1, 0.5],
      ],
    );
    assert.match(String(bundle["image/svg+xml"]), /^<svg/);

    const vega = await import("vega");
    const draw = async (stepIndex: number): Promise<string> => {
      const chart = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
      chart.signal("stepIndex", stepIndex);
      await chart.runAsync();
      const svg = await chart.toSVG();
      chart.finalize();
      return svg;
    };
    const [first, second] = [await draw(0), await draw(1)];
    assert.match(first, /step 0/);
    assert.match(second, /step 1/);
    assert.notEqual(first.replace("step 0", ""), second.replace("step 1", ""), "a different curve");
    assert.throws(() => prCurves(dir, "nope"), /prCurves: no tag "nope"; available: "cls"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bestF1: the first threshold reaching the highest F1; null when nothing is ever right", () => {
  assert.deepEqual(bestF1(computePrCurve([1, 1], [0.5, 0.5], 3)), {
    f1: 1,
    threshold: 0,
    precision: 1,
    recall: 1,
  });
  assert.equal(bestF1(computePrCurve([0, 0], [0.5, 0.9], 3)), null);
});
