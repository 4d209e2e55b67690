// TensorBoard's debiased EMA against hand-computed values, and the display reduction's guarantees.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { smooth } from "../../src/views/smoothing";
import { reduceForDisplay } from "../../src/views/reduce";

const close = (a: number[], b: number[]): void =>
  a.forEach((v, i) => assert.ok(Object.is(v, b[i]) || Math.abs(v - b[i]) < 1e-12, `${a} vs ${b}`));

test("smoothing: debiased EMA computed by hand", () => {
  // w = 0.5: s1 = 0.5 -> 0.5/0.5 = 1; s2 = 1.25 -> 1.25/0.75; s3 = 2.125 -> 2.125/0.875.
  close(smooth([1, 2, 3], 0.5), [1, 1.25 / 0.75, 2.125 / 0.875]);
  // Non-finite values pass through and are not accumulated: s2 uses n = 2 for the value 3.
  close(smooth([1, NaN, 3], 0.5), [1, NaN, 1.75 / 0.75]);
  close(smooth([1, Infinity, 3], 0), [1, Infinity, 3]);
  close(smooth([2, 2, 2], 0.9), [2, 2, 2]);
  close(smooth([1, 5], Number.NaN), [1, 5]);
  close(smooth([1, 3], 1), [0, 0]);
});

const series = fc.array(
  fc.oneof(
    { weight: 20, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
    { weight: 1, arbitrary: fc.constant(NaN) },
  ),
  {
    minLength: 1,
    maxLength: 3000,
  },
);

test("display reduction keeps every extreme and every gap, within a bounded number of points", () => {
  fc.assert(
    fc.property(series, fc.integer({ min: 1, max: 200 }), (ys, buckets) => {
      const xs = ys.map((_, i) => i);
      const { points, reduced } = reduceForDisplay(xs, ys, ys, buckets);
      const finite = ys.filter(Number.isFinite);
      const shownMax = Math.max(...points.flatMap((p) => (p.max === null ? [] : [p.max])));
      const shownMin = Math.min(...points.flatMap((p) => (p.min === null ? [] : [p.min])));
      if (finite.length) {
        assert.equal(shownMax, Math.max(...finite));
        assert.equal(shownMin, Math.min(...finite));
      }
      assert.equal(
        points.some((p) => p.value === null),
        ys.some((y) => !Number.isFinite(y)),
      );
      if (reduced) assert.ok(points.length <= 2 * buckets);
      else assert.equal(points.length, ys.length);
      for (let i = 1; i < points.length; i++) assert.ok(points[i].x >= points[i - 1].x);
    }),
    { numRuns: 200 },
  );
});
