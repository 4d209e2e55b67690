// The top eigenpair of a Gram matrix (repeated squaring, top-eigen.ts) against ml-matrix's full symmetric
// eigendecomposition, on random Gram matrices X·Xᵀ with entries on a 0.01 grid (fixed fast-check seed; ml-matrix itself mishandles
// subnormal entries), including near-ties and rank-1 cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { topEigenPsd } from "../../src/vision/cam/top-eigen";

function gramOf(x: number[][]): Float64Array {
  const n = x.length;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) g[i * n + j] = x[i].reduce((s, v, k) => s + v * x[j][k], 0);
  }
  return g;
}

function reference(g: Float64Array, n: number): { values: number[]; vector: number[] } {
  const rows = Array.from({ length: n }, (_, i) => Array.from(g.subarray(i * n, (i + 1) * n)));
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const top = values.indexOf(Math.max(...values));
  return { values: [...values].sort((a, b) => b - a), vector: evd.eigenvectorMatrix.getColumn(top) };
}

test("topEigenPsd gives ml-matrix's top eigenvalue and (up to sign) eigenvector", () => {
  const matrix = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.array(
      fc.array(
        fc.integer({ min: -300, max: 300 }).map((v) => v / 100),
        { minLength: 5, maxLength: 5 },
      ),
      {
        minLength: n,
        maxLength: n,
      },
    ),
  );
  fc.assert(
    fc.property(matrix, (x) => {
      const n = x.length;
      const g = gramOf(x);
      const mine = topEigenPsd(g, n);
      const ref = reference(g, n);
      const scale = Math.max(1, ref.values[0]);
      assert.ok(Math.abs(mine.value - ref.values[0]) <= 1e-9 * scale, `${mine.value} vs ${ref.values[0]}`);
      // the eigenvector is defined (up to sign) only where the top eigenvalue is separated
      if (ref.values.length > 1 && ref.values[0] - ref.values[1] < 1e-3 * scale) return;
      const dot = mine.vector.reduce((s, v, i) => s + v * ref.vector[i], 0);
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-9, `|u·u_ref| = ${Math.abs(dot)}`);
    }),
    { numRuns: 300 },
  );
});

test("topEigenPsd: a tie gives a unit vector of the eigenspace; a zero matrix gives 0", () => {
  const tie = topEigenPsd(Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 1]), 3);
  assert.ok(Math.abs(tie.value - 2) < 1e-12);
  assert.ok(Math.abs(Math.hypot(...tie.vector) - 1) < 1e-12 && Math.abs(tie.vector[2]) < 1e-12);
  const zero = topEigenPsd(new Float64Array(4), 2);
  assert.equal(zero.value, 0);
  assert.deepEqual(zero.vector, [1, 0]);
});
