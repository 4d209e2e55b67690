// The 3x3 → dense(2, relu) → dense(2) net whose attributions are worked out by hand in the attribution tests,
// as a functional LayersModel and as a Sequential (which models.freeze turns into its GraphModel twin).
import assert from "node:assert/strict";
import { tf } from "../../src/index";

export const relu = (v: number) => Math.max(v, 0);
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** 3x3x1 → flatten → hidden = relu(x·V + c) (2 units) → out = hidden·U (2 classes). */
export const V = [
  [1, -1],
  [0.5, 2],
  [-1, 0.5],
  [2, 0],
  [0, 1],
  [1, 1],
  [-0.5, 0],
  [0, -2],
  [1.5, 0.5],
];
export const C = [0.1, -0.2];
export const U = [
  [1, -1],
  [2, 0.5],
];
export function mlp(): tf.LayersModel {
  const input = tf.input({ shape: [3, 3, 1] });
  const hidden = tf.layers.dense({ units: 2, activation: "relu", name: "hidden" });
  const out = tf.layers.dense({ units: 2, useBias: false, name: "out" });
  const model = tf.model({
    inputs: input,
    outputs: out.apply(hidden.apply(tf.layers.flatten().apply(input))) as tf.SymbolicTensor,
  });
  hidden.setWeights([tf.tensor2d(V), tf.tensor1d(C)]);
  out.setWeights([tf.tensor2d(U)]);
  return model;
}
export const pre = (x: number[]) => [0, 1].map((j) => sum(x.map((v, i) => v * V[i][j])) + C[j]);
export const f = (x: number[], c: number) => sum(pre(x).map((z, j) => relu(z) * U[j][c]));
export const X = [
  [0.2, 0.9, 0.4, 0.1, 0.7, 0.3, 0.8, 0.5, 0.6],
  [0.9, 0.1, 0.6, 0.5, 0.2, 0.8, 0.3, 0.4, 0.7],
];
export const top = (x: number[]) => (f(x, 1) > f(x, 0) ? 1 : 0);
export const xTensor = () => tf.tensor4d(X.flat(), [2, 3, 3, 1]);

export function close(actual: ArrayLike<number>, expected: number[], what: string, tolerance = 1e-4): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

export function withLeakCheck(body: () => void): void {
  const before = tf.memory().numTensors;
  body();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
}

/** The same net as a Sequential (hidden "hidden", output "out"), for models.freeze. */
export function sequentialMlp(): tf.Sequential {
  const model = tf.sequential({ name: "mlp" });
  model.add(tf.layers.flatten({ inputShape: [3, 3, 1], name: "flat" }));
  model.add(tf.layers.dense({ units: 2, activation: "relu", name: "hidden" }));
  model.add(tf.layers.dense({ units: 2, useBias: false, name: "out" }));
  model.layers[1].setWeights([tf.tensor2d(V), tf.tensor1d(C)]);
  model.layers[2].setWeights([tf.tensor2d(U)]);
  return model;
}

// The hand-computed answers on the MLP, for sample x0 (9 pixels) and its top class; shared by the LayersModel
// and GraphModel tests so that both are checked against the same arithmetic.

/** ∂f_c/∂x: through the ReLU only where its pre-activation is positive. */
export function gradientOf(x0: number[], c: number): number[] {
  const z = pre(x0);
  return x0.map((_, i) => sum([0, 1].map((j) => (z[j] > 0 ? V[i][j] * U[j][c] : 0))));
}

/** inputXGradient: x ⊙ ∂f/∂x. */
export function inputXGradientOracle(x0: number[]): number[] {
  const grad = gradientOf(x0, top(x0));
  return x0.map((v, i) => v * grad[i]);
}

/** occlusion with 2x2 windows at stride 1 filled with `baseline`: each pixel's mean score drop over its windows. */
export function occlusionOracle(x0: number[], baseline: number): number[] {
  const c = top(x0);
  const drops = new Array(9).fill(0);
  const counts = new Array(9).fill(0);
  for (const [y0, x1] of [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]) {
    const cells = [y0 * 3 + x1, y0 * 3 + x1 + 1, (y0 + 1) * 3 + x1, (y0 + 1) * 3 + x1 + 1];
    const drop =
      f(x0, c) -
      f(
        x0.map((v, p) => (cells.includes(p) ? baseline : v)),
        c,
      );
    cells.forEach((p) => ((drops[p] += drop), (counts[p] += 1)));
  }
  return drops.map((d, p) => d / counts[p]);
}

/** featureAblation with baseline 0: every pixel gets the score drop of zeroing its group (`ids`, one per pixel). */
export function featureAblationOracle(x0: number[], ids: number[]): number[] {
  const c = top(x0);
  return ids.map(
    (id) =>
      f(x0, c) -
      f(
        x0.map((v, p) => (ids[p] === id ? 0 : v)),
        c,
      ),
  );
}

/** deepLift (rescale) against the baseline 0, where the pre-activation is C: multipliers Δrelu/Δz. */
export function deepLiftOracle(x0: number[]): number[] {
  const c = top(x0);
  const z = pre(x0);
  const m = [0, 1].map((j) => (relu(z[j]) - relu(C[j])) / (z[j] - C[j]));
  return x0.map((v, i) => v * sum([0, 1].map((j) => V[i][j] * m[j] * U[j][c])));
}
