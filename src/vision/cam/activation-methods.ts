// CAMs from the activations alone (no gradients): FEM (k-sigma rule), Kernel-PCA-CAM, and the RandomCAM baseline.
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { seededRandom } from "../../data/seeded-random";
import { BaseCAM, ChannelWeightCAM, weightedSum, type CamContext, type CamOptions } from "./base";

export interface FemOptions extends CamOptions {
  /** Channels count where they exceed mean + k·std (default 2). */
  k?: number;
}

/**
 * FEM (Fuad et al. 2020): w_k = fraction of positions where A_k > mean(A_k) + k·std(A_k) (population std);
 * L = Σ_k w_k A_k.
 */
export class FEM extends BaseCAM {
  protected readonly usesGradients = false;
  readonly k: number;
  constructor(model: AnyModel, options: FemOptions) {
    super(model, options);
    const k = options.k ?? 2;
    if (!Number.isFinite(k)) throw new RangeError(`FEM's k must be a number, got ${k}`);
    this.k = k;
  }
  protected override optionNames(): string[] {
    return ["k"];
  }
  protected layerMap(context: CamContext): tf.Tensor3D {
    const A = context.activations;
    const { mean, variance } = tf.moments(A, [1, 2], true);
    const threshold = tf.add(mean, tf.mul(tf.sqrt(variance), this.k));
    const weights = tf.mean(tf.cast(tf.greater(A, threshold), "float32"), [1, 2]) as tf.Tensor2D;
    return weightedSum(A, weights);
  }
}

export type KernelName = "linear" | "poly" | "rbf" | "sigmoid" | "cosine";
const KERNELS: KernelName[] = ["linear", "poly", "rbf", "sigmoid", "cosine"];

export interface KpcaCamOptions extends CamOptions {
  /** scikit-learn's KernelPCA kernels (default "sigmoid", as pytorch-grad-cam). */
  kernel?: KernelName;
  /** Kernel coefficient for poly, rbf and sigmoid (default 1 / channels, scikit-learn's). */
  gamma?: number;
  /** poly's degree (default 3) and the poly / sigmoid offset coef0 (default 1), scikit-learn's defaults. */
  degree?: number;
  coef0?: number;
}

/**
 * KPCA-CAM (Karmani et al. 2024): the activations' positions (rows, centred per channel) projected on the first
 * kernel principal component: the top eigenvector v of the centred kernel matrix, times √λ (KernelPCA.fit_transform).
 * The sign is scikit-learn's svd_flip: the entry of largest magnitude is positive.
 */
export class KPCACAM extends BaseCAM {
  protected readonly usesGradients = false;
  readonly kernel: KernelName;
  readonly gamma: number | null;
  readonly degree: number;
  readonly coef0: number;
  constructor(model: AnyModel, options: KpcaCamOptions) {
    super(model, options);
    this.kernel = options.kernel ?? "sigmoid";
    if (!KERNELS.includes(this.kernel)) {
      throw new RangeError(`unknown kernel "${this.kernel}"; expected one of ${KERNELS.join(", ")}`);
    }
    const gamma = options.gamma;
    if (gamma !== undefined && !(gamma > 0)) throw new RangeError(`gamma must be positive, got ${gamma}`);
    this.gamma = gamma ?? null;
    this.degree = options.degree ?? 3;
    this.coef0 = options.coef0 ?? 1;
  }
  protected override optionNames(): string[] {
    return ["kernel", "gamma", "degree", "coef0"];
  }
  protected layerMap(context: CamContext): tf.Tensor3D {
    const [batch, h, w, channels] = context.activations.shape;
    const kernels = tf.tidy(() => {
      const rows = tf.reshape(context.activations, [batch, h * w, channels]);
      const centred = tf.sub(rows, tf.mean(rows, 1, true)) as tf.Tensor3D;
      return this.kernelMatrix(centred, this.gamma ?? 1 / channels);
    });
    const values = kernels.arraySync();
    kernels.dispose();
    const maps = Float32Array.from(values.flatMap((k) => firstKernelComponent(k)));
    return tf.tensor3d(maps, [batch, h, w]);
  }
  /** K[b] = k(X_b, X_b) for centred rows X [B, n, C]. */
  private kernelMatrix(x: tf.Tensor3D, gamma: number): tf.Tensor3D {
    return this.kernelOf(x, gamma) as tf.Tensor3D;
  }
  private kernelOf(x: tf.Tensor3D, gamma: number): tf.Tensor {
    const dot = tf.matMul(x, x, false, true);
    switch (this.kernel) {
      case "linear":
        return dot;
      case "poly":
        return tf.pow(tf.add(tf.mul(dot, gamma), this.coef0), this.degree);
      case "sigmoid":
        return tf.tanh(tf.add(tf.mul(dot, gamma), this.coef0));
      case "rbf": {
        const sq = tf.sum(tf.square(x), 2, true);
        const dist = tf.relu(tf.sub(tf.add(sq, tf.transpose(sq, [0, 2, 1])), tf.mul(dot, 2)));
        return tf.exp(tf.mul(dist, -gamma));
      }
      case "cosine": {
        const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(x), 2, true)), 1e-12);
        return tf.div(dot, tf.mul(norm, tf.transpose(norm, [0, 2, 1])));
      }
    }
  }
}

/** v·√λ for the top eigenpair of the double-centred kernel matrix; largest |entry| made positive. */
export function firstKernelComponent(kernel: number[][]): number[] {
  const n = kernel.length;
  const k = new Matrix(kernel);
  const rowMeans = k.mean("row");
  const colMeans = k.mean("column");
  const all = k.mean();
  const centred = new Matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) centred.set(i, j, k.get(i, j) - rowMeans[i] - colMeans[j] + all);
  }
  const evd = new EigenvalueDecomposition(centred, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  let top = 0;
  for (let i = 1; i < n; i++) if (values[i] > values[top]) top = i;
  const v = evd.eigenvectorMatrix.getColumn(top);
  const scale = Math.sqrt(Math.max(values[top], 0));
  const peak = v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  const sign = peak < 0 ? -1 : 1;
  return v.map((x) => sign * scale * x);
}

export interface RandomCamOptions extends CamOptions {
  /** Seeds the channel weights: same seed, same maps (default 0). */
  seed?: number;
}

/** RandomCAM: channel weights drawn uniformly from [−1, 1] (seeded); a baseline that metrics should rank last. */
export class RandomCAM extends ChannelWeightCAM {
  protected readonly usesGradients = false;
  private readonly random: () => number;
  constructor(model: AnyModel, options: RandomCamOptions) {
    super(model, options);
    this.random = seededRandom(options.seed ?? 0);
  }
  protected override optionNames(): string[] {
    return ["seed"];
  }
  protected channelWeights(context: CamContext): tf.Tensor2D {
    const [batch, , , channels] = context.activations.shape;
    const weights = Float32Array.from({ length: batch * channels }, () => this.random() * 2 - 1);
    return tf.tensor2d(weights, [batch, channels]);
  }
}
