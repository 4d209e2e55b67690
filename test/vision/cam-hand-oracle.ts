// Plain arithmetic on the hand-set CAM model (cam-fixtures.ts: A = [relu(x), relu(0.5 − x)] at each of the 9
// positions, y_c = Σ A·W[·,·,c], so dy_c/dA = W[·,·,c]) from which the CAM oracle tests work out every map.
import assert from "node:assert/strict";
import { W } from "./cam-fixtures";

/** Positions of the 3x3 layer, and its two channels. */
export const P = 9;
export const ks = [0, 1];
export const relu = (v: number) => Math.max(v, 0);
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** A[p][k] of one sample. */
export const activations = (x: number[]) => x.map((v) => [relu(v), relu(0.5 - v)]);
export const score = (A: number[][], c: number) =>
  sum(A.map((row, p) => row[0] * W[p][0][c] + row[1] * W[p][1][c]));
/** g[p][k] = dy_c/dA[p][k]. */
export const gradient = (c: number) => W.map((row) => [row[0][c], row[1][c]]);
export const channel = (M: number[][], k: number) => M.map((row) => row[k]);
export const weighted = (A: number[][], w: number[]) => A.map((row) => row[0] * w[0] + row[1] * w[1]);
export const topClass = (x: number[]) => (score(activations(x), 1) > score(activations(x), 0) ? 1 : 0);
/** Grad-CAM's map for gradient g: the activations weighted by the gradient's spatial mean per channel. */
export const gradCam = (x: number[], g: number[][]) =>
  weighted(
    activations(x),
    ks.map((k) => sum(channel(g, k)) / P),
  );

export function minMax(m: number[]): number[] {
  const lo = Math.min(...m);
  const shifted = m.map((v) => v - lo);
  const hi = Math.max(...shifted);
  return shifted.map((v) => v / (hi + 1e-7));
}
/** The final map when layer and input sizes match: ReLU, min-max, (identity resize), min-max again. */
export const normalised = (m: number[]) => minMax(minMax(m.map(relu)));

/** Centred M (9 x 2) projected on the top eigenvector of MᵀM (closed form for 2 x 2), oriented so Σv ≥ 0. */
export function projection(M: number[][]): number[] {
  const mean = ks.map((k) => sum(channel(M, k)) / P);
  const C = M.map((row) => row.map((v, k) => v - mean[k]));
  const a = sum(C.map((r) => r[0] * r[0]));
  const b = sum(C.map((r) => r[0] * r[1]));
  const d = sum(C.map((r) => r[1] * r[1]));
  const lambda = (a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b);
  let v = b !== 0 ? [b, lambda - a] : a >= d ? [1, 0] : [0, 1];
  const norm = Math.hypot(v[0], v[1]);
  v = v.map((t) => t / norm);
  if (v[0] + v[1] < 0) v = v.map((t) => -t);
  return C.map((row) => row[0] * v[0] + row[1] * v[1]);
}

/** Element-wise within `tolerance` times the largest expected magnitude (at least 1). */
export function assertClose(
  actual: ArrayLike<number>,
  expected: number[],
  what: string,
  tolerance = 1e-4,
): void {
  assert.equal(actual.length, expected.length, what);
  const scale = Math.max(1, ...expected.map(Math.abs));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance * scale,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]} (all: ${Array.from(actual).map((v) => v.toFixed(4))})`,
    );
  }
}
