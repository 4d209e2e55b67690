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
