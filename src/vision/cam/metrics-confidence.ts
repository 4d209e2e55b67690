// pytorch-grad-cam's confidence metrics: how the target score moves when the image is multiplied by its CAM
// (CamMultImageConfidenceChange, DropInConfidence, IncreaseInConfidence), and ARCC (Complexity, Coherency, ROAD).
import { tf } from "../../backend";
import { inspectModel, type AnyModel } from "../../model";
import type { BaseCAM } from "./base";
import { checkShapes, roadCombined, type ImputationOptions } from "./road";
import { resolveTargets, type CamTargets } from "./targets";

export interface ConfidenceOptions {
  /** What each CAM explains (default: each image's top class on the unmodified input). */
  targets?: CamTargets;
}

/** score(x ⊙ cam) − score(x) per image (cams [B, H, W] broadcast over channels). */
export function camMultImageConfidenceChange(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: ConfidenceOptions = {},
): number[] {
  const [batch] = checkShapes(input, cams, "camMultImageConfidenceChange");
  return tf.tidy(() => {
    const run = (x: tf.Tensor) => inspectModel(model).run([x]).outputs[0];
    const clean = run(input);
    const targets = resolveTargets(options.targets, clean);
    const samples = Array.from({ length: batch }, (_, i) => i);
    const before = targets.score(clean, samples);
    const masked = tf.mul(input, tf.expandDims(cams, 3));
    const after = targets.score(run(masked), samples);
    return Array.from(tf.sub(after, before).dataSync());
  });
}

/** max(score(x) − score(x ⊙ cam), 0) per image: how much confidence the CAM's region alone loses. */
export function dropInConfidence(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: ConfidenceOptions = {},
): number[] {
  return camMultImageConfidenceChange(model, input, cams, options).map((d) => Math.max(-d, 0));
}

/** 1 where the score rises on x ⊙ cam, else 0, per image (its mean is the share of images that gain). */
export function increaseInConfidence(
  model: AnyModel,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: ConfidenceOptions = {},
): number[] {
  return camMultImageConfidenceChange(model, input, cams, options).map((d) => (d > 0 ? 1 : 0));
}

/** Complexity (Rao et al.): the mean |cam| per image; 0 = empty map, 1 = everything lit. */
export function complexity(cams: tf.Tensor3D): number[] {
  return Array.from(tf.tidy(() => tf.mean(tf.abs(cams), [1, 2]).dataSync()));
}

/** Each image's top class on the unmodified input: the default target, kept for the perturbed inputs. */
function topClasses(model: AnyModel, input: tf.Tensor4D): number[] {
  return tf.tidy(() => Array.from(tf.argMax(inspectModel(model).run([input]).outputs[0], 1).dataSync()));
}

/** Pearson correlation per row of two [B, n] arrays (sample statistics, ε = 1e-8 as pytorch-grad-cam). */
function pearson(a: Float32Array, b: Float32Array, batch: number): number[] {
  const n = a.length / batch;
  return Array.from({ length: batch }, (_, i) => {
    const x = a.subarray(i * n, (i + 1) * n);
    const y = b.subarray(i * n, (i + 1) * n);
    const mx = x.reduce((s, v) => s + v, 0) / n;
    const my = y.reduce((s, v) => s + v, 0) / n;
    let cov = 0;
    let vx = 0;
    let vy = 0;
    for (let j = 0; j < n; j++) {
      cov += (x[j] - mx) * (y[j] - my);
      vx += (x[j] - mx) ** 2;
      vy += (y[j] - my) ** 2;
    }
    const d = n - 1;
    return cov / d / (Math.sqrt(vx / d) * Math.sqrt(vy / d) + 1e-8);
  });
}

/**
 * Coherency: (ρ + 1) / 2 with ρ the Pearson correlation between each CAM and the method's CAM of the image
 * multiplied by it (explaining the same targets); 1 = the map explains its own evidence the same way.
 */
export function coherency(
  method: BaseCAM,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: ConfidenceOptions = {},
): number[] {
  const [batch] = checkShapes(input, cams, "coherency");
  const targets = options.targets ?? topClasses(method.model, input);
  const masked = tf.tidy(() => tf.mul(input, tf.expandDims(cams, 3)) as tf.Tensor4D);
  const again = (() => {
    try {
      return method.compute(masked, { targets });
    } finally {
      masked.dispose();
    }
  })();
  try {
    return pearson(again.heatmap.dataSync() as Float32Array, cams.dataSync() as Float32Array, batch).map(
      (r) => (r + 1) / 2,
    );
  } finally {
    again.dispose();
  }
}

export interface ArccOptions extends ConfidenceOptions, ImputationOptions {
  /** ROAD's percentiles (default [20, 40, 60, 80], as pytorch-grad-cam's ARCC). */
  percentiles?: number[];
}

export interface ArccScores {
  /** Per image: 3 / (1/coherency + 1/(1 − complexity) + 1/road), the harmonic mean of the three. */
  arcc: number[];
  complexity: number[];
  coherency: number[];
  /** ROADCombined rescaled to [0, 1]: clip(2·road, 0, 1). */
  road: number[];
}

/** ARCC (pytorch-grad-cam): complexity, coherency and ROAD combined; higher is better. */
export function arcc(
  method: BaseCAM,
  input: tf.Tensor4D,
  cams: tf.Tensor3D,
  options: ArccOptions = {},
): ArccScores {
  const simplicity = complexity(cams);
  const targets = options.targets ?? topClasses(method.model, input);
  const coherent = coherency(method, input, cams, { targets });
  const road = roadCombined(method.model, input, cams, {
    ...options,
    targets,
    percentiles: options.percentiles ?? [20, 40, 60, 80],
  }).map((r) => Math.min(Math.max(r * 2, 0), 1));
  const scores = simplicity.map(
    (c, i) => 3 / (1 / (coherent[i] + 1e-8) + 1 / (1 - c + 1e-8) + 1 / (road[i] + 1e-8)),
  );
  return { arcc: scores, complexity: simplicity, coherency: coherent, road };
}
