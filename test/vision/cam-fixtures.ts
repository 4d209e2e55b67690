// A model small enough to work every CAM out by hand. Input [B,3,3,1]; layer "feat" is a 1x1 conv with two
// filters and ReLU: A₀ = relu(x), A₁ = relu(0.5 − x); then "flat" and "logits" (dense, linear, no bias), so the
// score of class c is y_c = Σ_{p,k} A_pk·W[p,k,c] and its gradient with respect to A is W[·,·,c] itself.
import { tf } from "../../src/index";

export const SIZE = 3;
export const CHANNELS = 2;
export const CLASSES = 2;

/** W[p][k][c] for positions p = 0..8 (row-major), channels k, classes c: small integers of both signs. */
export const W: number[][][] = [
  [
    [1, 0],
    [0, 1],
  ],
  [
    [2, -1],
    [1, 0],
  ],
  [
    [0, 1],
    [1, 2],
  ],
  [
    [-1, 0],
    [2, 1],
  ],
  [
    [3, 1],
    [-1, 0],
  ],
  [
    [1, 2],
    [0, -1],
  ],
  [
    [0, -2],
    [1, 1],
  ],
  [
    [1, 0],
    [-1, 3],
  ],
  [
    [-2, 1],
    [1, 0],
  ],
];

export const INPUTS: number[][] = [
  [0, 0.2, 0.4, 0.6, 0.8, 1, 0.5, 0.3, 0.9],
  [0.7, 0.1, 0.95, 0.25, 0.5, 0.35, 0.6, 0.05, 0.85],
  // No activation is 0 here, so AblationCAM fills with min − 1e7 instead of 0.
  [0.1, 0.2, 0.3, 0.15, 0.25, 0.45, 0.05, 0.35, 0.4],
];

export function handModel(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 1], name: "x" });
  const feat = tf.layers.conv2d({ filters: CHANNELS, kernelSize: 1, activation: "relu", name: "feat" });
  const flat = tf.layers.flatten({ name: "flat" });
  const logits = tf.layers.dense({ units: CLASSES, useBias: false, name: "logits" });
  const output = logits.apply(flat.apply(feat.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output, name: "hand" });
  feat.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0, 0.5])]);
  // Flatten of [3,3,2] orders values (position, channel): row p·2 + k of the dense kernel.
  logits.setWeights([tf.tensor2d(W.flat(2), [SIZE * SIZE * CHANNELS, CLASSES])]);
  return model;
}

export function inputTensor(samples: number[][] = INPUTS): tf.Tensor4D {
  return tf.tensor4d(samples.flat(), [samples.length, SIZE, SIZE, 1]);
}
