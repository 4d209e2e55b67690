// Perturbation CAMs: channel weights from how the target score reacts when the input is masked by a channel
// (ScoreCAM) or a channel is removed (AblationCAM). Every (sample, channel) pair is one job; jobs from the whole
// batch are run `batchSize` at a time, so memory stays bounded however many channels the layer has.
import { tf } from "../../backend";
import { runModel } from "../graph";
import { ChannelWeightCAM, type CamContext, type CamOptions } from "./base";

export interface PerturbationCamOptions extends CamOptions {
  /** Masked forward passes per model call (default: ScoreCAM 16, AblationCAM 32, as pytorch-grad-cam). */
  batchSize?: number;
  /** Called after each model call with the jobs done and the total (samples × channels). */
  onProgress?: (done: number, total: number) => void;
}

abstract class PerturbationCAM extends ChannelWeightCAM {
  protected readonly usesGradients = false;
  readonly batchSize: number;
  private readonly onProgress?: (done: number, total: number) => void;

  constructor(model: tf.LayersModel, options: PerturbationCamOptions, defaultBatchSize: number) {
    super(model, options);
    const batchSize = options.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    this.onProgress = options.onProgress;
  }

  /** Target scores [n] of the jobs [start, start + n): job j is sample ⌊j / C⌋, channel j mod C. */
  protected abstract scoreJobs(context: CamContext, start: number, samples: number[]): tf.Tensor1D;

  /** Runs every job in chunks and returns the raw scores [B,C]. */
  protected jobScores(context: CamContext): Float32Array {
    const [batch, , , channels] = context.activations.shape;
    const total = batch * channels;
    const scores = new Float32Array(total);
    for (let start = 0; start < total; start += this.batchSize) {
      const n = Math.min(this.batchSize, total - start);
      const samples = Array.from({ length: n }, (_, j) => Math.floor((start + j) / channels));
      scores.set(
        tf.tidy(() => this.scoreJobs(context, start, samples).dataSync()),
        start,
      );
      this.onProgress?.(start + n, total);
    }
    return scores;
  }
}

/** [n, h, w, 1]: channel maps of jobs [start, start + n) of activations [B,h,w,C]. */
function jobMaps(activations: tf.Tensor4D, start: number, n: number): tf.Tensor4D {
  const [batch, h, w, channels] = activations.shape;
  const perJob = tf.transpose(activations, [0, 3, 1, 2]).reshape([batch * channels, h, w, 1]);
  return tf.slice(perJob, [start, 0, 0, 0], [n, h, w, 1]) as tf.Tensor4D;
}

/**
 * Score-CAM (Wang et al.): each channel, upsampled to the input (bilinear, corners aligned as torch's
 * UpsamplingBilinear2d) and min-max normalised (+1e-8), masks the input; w = softmax over channels of the
 * target scores of the masked inputs.
 */
export class ScoreCAM extends PerturbationCAM {
  constructor(model: tf.LayersModel, options: PerturbationCamOptions) {
    super(model, options, 16);
  }

  protected scoreJobs(context: CamContext, start: number, samples: number[]): tf.Tensor1D {
    const [, height, width] = context.input.shape;
    const up = tf.image.resizeBilinear(
      jobMaps(context.activations, start, samples.length),
      [height, width],
      true,
    );
    const low = tf.min(up, [1, 2, 3], true);
    const masks = tf.div(tf.sub(up, low), tf.add(tf.sub(tf.max(up, [1, 2, 3], true), low), 1e-8));
    const masked = tf.mul(tf.gather(context.input, samples), masks);
    const output = runModel(this.model, masked).outputs[0];
    return context.targets.score(output, samples);
  }

  protected channelWeights(context: CamContext): tf.Tensor2D {
    const [batch, , , channels] = context.activations.shape;
    return tf.softmax(tf.tensor2d(this.jobScores(context), [batch, channels]), 1);
  }
}

/**
 * Ablation-CAM (Desai & Ramaswamy): w_k = (y − y_k) / y, where y_k is the target score with channel k of the
 * layer's output replaced by 0 (if the image's activations have minimum 0) or by min − 1e7 (pytorch-grad-cam's
 * choice). Only the layers after the target are re-run.
 */
export class AblationCAM extends PerturbationCAM {
  constructor(model: tf.LayersModel, options: PerturbationCamOptions) {
    super(model, options, 32);
  }

  protected scoreJobs(context: CamContext, start: number, samples: number[]): tf.Tensor1D {
    const A = context.activations;
    const channels = A.shape[3];
    const mins = tf.min(A, [1, 2, 3]);
    const fill = tf.where(tf.equal(mins, 0), tf.zerosLike(mins), tf.sub(mins, 1e7));
    const jobs = samples.map((_, j) => (start + j) % channels);
    const knockout = tf.oneHot(jobs, channels).reshape([samples.length, 1, 1, channels]);
    const jobFill = tf.gather(fill, samples).reshape([samples.length, 1, 1, 1]);
    const ablated = tf.add(tf.mul(tf.gather(A, samples), tf.sub(1, knockout)), tf.mul(knockout, jobFill));
    const output = runModel(this.model, tf.gather(context.input, samples), {
      substitute: { layer: this.layer, value: ablated },
    }).outputs[0];
    return context.targets.score(output, samples);
  }

  protected channelWeights(context: CamContext): tf.Tensor2D {
    const [batch, , , channels] = context.activations.shape;
    const original = context.targets
      .score(
        context.output,
        Array.from({ length: batch }, (_, i) => i),
      )
      .expandDims(1);
    const ablated = tf.tensor2d(this.jobScores(context), [batch, channels]);
    return tf.div(tf.sub(original, ablated), original) as tf.Tensor2D;
  }
}
