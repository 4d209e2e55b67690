// PR curves: the counts and ratios TensorBoard's pr_curves plugin draws, hand-computed on a small case, and
// their trip through our writer and reader.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { computePrCurve, PR_CURVE_ROWS, type PrCurve } from "../../src/events/pr-curve";
import { SummaryWriter, loadLogdir } from "../../src/index";

// Thresholds 0, 0.5, 1 put a prediction p in bucket floor(2p): 0.9, 0.8, 0.5 in bucket 1; 0.4, 0 in bucket 0.
// Positives (label 1): 0.9 in bucket 1, 0.4 and 0 in bucket 0. Negatives: 0.8 and 0.5, both in bucket 1.
const LABELS = [1, 0, 1, 1, 0];
const PREDICTIONS = [0.9, 0.8, 0.4, 0, 0.5];
const EXPECTED = {
  thresholds: [0, 0.5, 1],
  truePositives: [3, 1, 0],
  falsePositives: [2, 2, 0],
  trueNegatives: [0, 0, 2],
  falseNegatives: [0, 2, 3],
  precision: [3 / 5, 1 / 3, 0], // at threshold 1 nothing is predicted positive: 0, not NaN
  recall: [1, 1 / 3, 0],
};

test("computePrCurve: counts at or above each threshold, precision and recall (hand-computed)", () => {
  assert.deepEqual(computePrCurve(LABELS, PREDICTIONS, 3), EXPECTED);
  assert.deepEqual(
    computePrCurve([true, false, true, true, false], PREDICTIONS, 3),
    EXPECTED,
    "boolean labels",
  );
  // Weight 2 on the first sample (a positive in bucket 1): TP gains 1 at thresholds 0 and 0.5.
  const weighted = computePrCurve(LABELS, PREDICTIONS, 3, [2, 1, 1, 1, 1]);
  assert.deepEqual(weighted.truePositives, [4, 2, 0]);
  assert.deepEqual(weighted.falseNegatives, [0, 2, 4]);
  // A prediction of exactly 1 is positive at every threshold, the last one included.
  assert.deepEqual(computePrCurve([1], [1], 3).truePositives, [1, 1, 1]);
});

test("computePrCurve: bad input is a clear error naming what was expected", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => computePrCurve([1, 0], [0.5], 3), /labels and predictions differ in length \(2 vs 1\)/],
    [() => computePrCurve([2], [0.5], 3), /labels must be 0 or 1 \(or booleans\), got 2 at 0/],
    [() => computePrCurve([1], [1.5], 3), /predictions must be probabilities in \[0, 1\], got 1.5/],
    [() => computePrCurve([1], [NaN], 3), /predictions must be probabilities in \[0, 1\], got NaN/],
    [() => computePrCurve([1], [0.5], 1), /numThresholds must be an integer from 2 to 10000, got 1/],
    [() => computePrCurve([1], [0.5], 3, [-1]), /weights must be finite and >= 0, got -1/],
    [() => computePrCurve([1], [0.5], 3, [1, 1]), /weights must be a number or one per label, got 2/],
  ];
  for (const [call, message] of cases) assert.throws(call, message);
});

test("addPrCurve and addPrCurveRaw are read back by loadLogdir, float32 as stored", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-pr-"));
  try {
    const writer = new SummaryWriter(dir);
    writer.addPrCurve("pr", LABELS, PREDICTIONS, 7, { numThresholds: 3 });
    const { thresholds: _thresholds, ...counts } = EXPECTED;
    writer.addPrCurveRaw("raw", counts, 8);
    assert.throws(
      () => writer.addPrCurveRaw("raw", { ...counts, recall: [1] }, 9),
      /recall must have 3 entries/,
    );
    assert.throws(
      () => writer.addPrCurve("pr", LABELS, [0.5], 9),
      /addPrCurve: labels and predictions differ/,
    );
    writer.close();
    const run = loadLogdir(dir).run(".");
    const float32 = (xs: number[]) => Array.from(Float32Array.from(xs));
    for (const [tag, step] of [
      ["pr", 7],
      ["raw", 8],
    ] as const) {
      const [point] = run.prCurves.get(tag)!;
      assert.equal(point.step, step);
      assert.deepEqual(point.value.thresholds, EXPECTED.thresholds);
      assert.deepEqual(point.value.precision, float32(EXPECTED.precision));
      assert.deepEqual(point.value.trueNegatives, EXPECTED.trueNegatives);
    }
    assert.equal(run.prCurves.get("pr")!.length, 1, "the rejected calls wrote nothing");
    assert.deepEqual(run.stats.foreign, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("PR curves written by PyTorch's and tensorboardX's add_pr_curve read back equal to computePrCurve", () => {
  // The inputs of make_fixtures.py's pr_curve_inputs().
  const index = Array.from({ length: 100 }, (_, i) => i);
  const labels = index.map((i) => (i % 3 === 0 ? 1 : 0));
  const predictions = index.map((i) => ((37 * i) % 100) / 100);
  const weights = index.map((i) => 1 + (i % 4));
  const float32 = (curve: PrCurve): PrCurve => {
    const rounded = { ...curve };
    for (const row of PR_CURVE_ROWS) rounded[row] = Array.from(Float32Array.from(curve[row]));
    return rounded;
  };
  for (const writer of ["pytorch", "tensorboardx"]) {
    const run = loadLogdir(join(__dirname, "../fixtures/events/pr-curves", writer)).run(".");
    const read = (tag: string) => run.prCurves.get(tag)!.map((p) => [p.step, p.value]);
    assert.deepEqual(read("pr"), [[0, float32(computePrCurve(labels, predictions, 127))]], writer);
    assert.deepEqual(read("pr_small"), [[1, float32(computePrCurve(labels, predictions, 5))]], writer);
    assert.deepEqual(
      read("pr_weighted"),
      [[2, float32(computePrCurve(labels, predictions, 11, weights))]],
      writer,
    );
  }
});
