// Perturbation CAMs: channel weights from how the target score reacts when the input is masked by a channel
// (ScoreCAM) or a channel is removed (AblationCAM). Every (sample, channel) pair is one job; jobs from the whole
// batch are run `batchSize` at a time, so memory stays bounded however many channels the layer has.
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { ChannelWeightCAM, type CamContext, type CamOptions } from "./base";

export interface PerturbationCamOptions extends CamOptions {
  /** Masked forward passes per model call (default: ScoreCAM 16, AblationCAM 32, as pytorch-grad-cam). */
  batchSize?: number;
  /** Called after each model call with the jobs done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface ScoreCamOptions extends PerturbationCamOptions {
  /**
   * Faster Score-CAM: score only each image's `maxChannels` channels of largest spatial variance; the others
   * get weight 0 (tf-keras-vis' max_N). Default: every channel, as pytorch-grad-cam.
   */
  maxChannels?: number;
}

/** One masked or ablated forward pass: which image, which channel. */
interface Job {
  sample: number;
  channel: number;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function allJobs(batch: number, channels: number): Job[] {
  return Array.from({ length: batch * channels }, (_, j) => ({
    sample: Math.floor(j / channels),
    channel: j % channels,
  }));
}

abstract class PerturbationCAM extends ChannelWeightCAM {
  protected readonly usesGradients = false;
  readonly batchSize: number;
  private readonly onProgress?: (done: number, total: number) => void;

  constructor(model: AnyModel, options: PerturbationCamOptions, defaultBatchSize: number) {
    super(model, options);
    const batchSize = options.batchSize ?? defaultBatchSize;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    }
    this.batchSize = batchSize;
    this.onProgress = options.onProgress;
  }

  protected override optionNames(): string[] {
    return ["batchSize", "onProgress", "maxChannels"];
  }

  /** Target scores [n] of one chunk of jobs. */
  protected abstract scoreJobs(context: CamContext, jobs: Job[]): tf.Tensor1D;

  /** Runs the jobs `batchSize` at a time; returns their scores in job order. */
  protected runJobs(context: CamContext, jobs: Job[]): Float32Array {
    const scores = new Float32Array(jobs.length);
    for (let start = 0; start < jobs.length; start += this.batchSize) {
      const chunk = jobs.slice(start, start + this.batchSize);
      scores.set(
        tf.tidy(() => this.scoreJobs(context, chunk).dataSync()),
        start,
      );
      this.onProgress?.(start + chunk.length, jobs.length);
    }
    return scores;
  }
}

/** [n, h, w, 1]: the channel maps of the jobs, from activations [B,h,w,C]. */
function jobMaps(activations: tf.Tensor4D, jobs: Job[]): tf.Tensor4D {
  const [batch, h, w, channels] = activations.shape;
  const perJob = tf.transpose(activations, [0, 3, 1, 2]).reshape([batch * channels, h, w, 1]);
  return tf.gather(
    perJob,
    jobs.map((j) => j.sample * channels + j.channel),
  ) as tf.Tensor4D;
}

/**
 * Score-CAM (Wang et al.): each channel, upsampled to the input (bilinear, corners aligned as torch's
 * UpsamplingBilinear2d) and min-max normalised (+1e-8), masks the input; w = softmax over channels of the
 * target scores of the masked inputs.
 */
export class ScoreCAM extends PerturbationCAM {
  readonly maxChannels: number | null;

  constructor(model: AnyModel, options: ScoreCamOptions) {
    super(model, options, 16);
    const max = options.maxChannels;
    if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
      throw new RangeError(`maxChannels must be a positive integer, got ${max}`);
    }
    this.maxChannels = max ?? null;
  }

  protected scoreJobs(context: CamContext, jobs: Job[]): tf.Tensor1D {
    const [, height, width] = context.input.shape;
    const samples = jobs.map((j) => j.sample);
    const up = tf.image.resizeBilinear(jobMaps(context.activations, jobs), [height, width], true);
    const low = tf.min(up, [1, 2, 3], true);
    const masks = tf.div(tf.sub(up, low), tf.add(tf.sub(tf.max(up, [1, 2, 3], true), low), 1e-8));
    const masked = tf.mul(tf.gather(context.input, samples), masks);
    const inputs = context.inputs.map((t) => (t === context.input ? masked : tf.gather(t, samples)));
    return this.scoreInputs(inputs, samples, context.targets);
  }

  /** Every channel, or each image's `maxChannels` channels of largest spatial variance. */
  private selectJobs(activations: tf.Tensor4D): Job[] {
    const [batch, , , channels] = activations.shape;
    if (this.maxChannels === null || this.maxChannels >= channels) return allJobs(batch, channels);
    const top = tf.tidy(
      () => tf.topk(tf.moments(activations, [1, 2]).variance, this.maxChannels as number).indices,
    );
    const indices = top.arraySync() as number[][];
    top.dispose();
    return indices.flatMap((row, sample) => row.map((channel) => ({ sample, channel })));
  }

  protected channelWeights(context: CamContext): tf.Tensor2D {
    const [batch, , , channels] = context.activations.shape;
    const jobs = this.selectJobs(context.activations);
    const scores = this.runJobs(context, jobs);
    // Unscored channels get -∞, hence weight exactly 0 after the softmax.
    const matrix = new Float32Array(batch * channels).fill(-Infinity);
    jobs.forEach((job, j) => (matrix[job.sample * channels + job.channel] = scores[j]));
    return tf.softmax(tf.tensor2d(matrix, [batch, channels]), 1);
  }
}

/**
 * Ablation-CAM (Desai & Ramaswamy): w_k = (y − y_k) / y, where y_k is the target score with channel k of the
 * layer's output replaced by 0 (if the image's activations have minimum 0) or by min − 1e7 (pytorch-grad-cam's
 * choice). Only the layers after the target are re-run.
 */
export class AblationCAM extends PerturbationCAM {
  constructor(model: AnyModel, options: PerturbationCamOptions) {
    super(model, options, 32);
  }

  protected scoreJobs(context: CamContext, jobs: Job[]): tf.Tensor1D {
    // channels are the last axis of the layer's own output too, so ablating there needs no inverse transform
    const A = context.rawActivations;
    const channels = A.shape[A.rank - 1];
    const samples = jobs.map((j) => j.sample);
    const axes = range(1, A.rank);
    const mins = tf.min(A, axes);
    const fill = tf.where(tf.equal(mins, 0), tf.zerosLike(mins), tf.sub(mins, 1e7));
    const oneShape = [jobs.length, ...new Array<number>(A.rank - 2).fill(1), channels];
    const knockout = tf
      .oneHot(
        jobs.map((j) => j.channel),
        channels,
      )
      .reshape(oneShape);
    const jobFill = tf.gather(fill, samples).reshape([jobs.length, ...new Array<number>(A.rank - 1).fill(1)]);
    const ablated = tf.add(tf.mul(tf.gather(A, samples), tf.sub(1, knockout)), tf.mul(knockout, jobFill));
    const inputs = context.inputs.map((t) => tf.gather(t, samples));
    return this.scoreWithActivations(inputs, ablated, samples, context.targets);
  }

  protected channelWeights(context: CamContext): tf.Tensor2D {
    const [batch, , , channels] = context.activations.shape;
    const original = context.targets
      .score(
        context.output,
        Array.from({ length: batch }, (_, i) => i),
      )
      .expandDims(1);
    const ablated = tf.tensor2d(this.runJobs(context, allJobs(batch, channels)), [batch, channels]);
    return tf.div(tf.sub(original, ablated), original) as tf.Tensor2D;
  }
}
