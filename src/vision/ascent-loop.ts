// The optimisation loop shared by gradientAscent (FlashTorch) and renderVis (lucent): Adam on the image's
// parameters, climbing the sum of a per-image objective. Each caller says how the objective is computed (its
// jitter or transforms draw from its own seeded random source, inside `objective`, once per step).
import { tf } from "../backend";

export interface AscentLoopOptions {
  steps: number;
  learningRate: number;
  /** The per-image objective [B] of the current parameters; called once per step, under the gradient tape. */
  objective: () => tf.Tensor1D;
  /** After every step, with the mean objective over the images. */
  onStep?: (step: number, mean: number) => void;
}

export interface AscentLoopResult {
  /** Each image's objective at the last step. */
  last: number[];
  /** Mean objective per step. */
  history: number[];
}

/** Runs `steps` Adam steps on `variables` (1-based step numbers); the optimiser is disposed at the end. */
export function ascend(variables: tf.Variable[], options: AscentLoopOptions): AscentLoopResult {
  const optimizer = tf.train.adam(options.learningRate);
  const history: number[] = [];
  let last: number[] = [];
  try {
    for (let step = 1; step <= options.steps; step++) {
      const scores = tf.tidy(() => {
        let perImage: tf.Tensor1D | undefined;
        optimizer
          .minimize(
            () => {
              perImage = tf.keep(options.objective());
              return tf.neg(tf.sum(perImage)) as tf.Scalar;
            },
            false,
            variables,
          )
          ?.dispose();
        return perImage as tf.Tensor1D;
      });
      last = Array.from(scores.dataSync());
      scores.dispose();
      const mean = last.reduce((a, b) => a + b, 0) / last.length;
      history.push(mean);
      options.onStep?.(step, mean);
    }
    return { last, history };
  } finally {
    optimizer.dispose();
  }
}

/**
 * One plain forward pass before the loop, outside the gradient tape, so that a bad layer, filter or class fails
 * with its own message; on failure the image parameters (`owned`) are disposed before the error is rethrown.
 */
export function probeFirst(owned: { dispose(): void }, pass: () => unknown): void {
  try {
    tf.tidy(() => {
      pass();
    });
  } catch (error) {
    owned.dispose();
    throw error;
  }
}
