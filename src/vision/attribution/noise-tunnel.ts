// captum's NoiseTunnel around ANY attribution method: the method runs on noisy copies of the input (all copies in
// one call, so the method batches them) and the attributions are aggregated: smoothgrad (mean), smoothgrad_sq
// (mean of squares) or vargrad (variance). Targets are resolved on the clean input, so every copy explains the
// same class.
import { tf } from "../../backend";
import { tfjsSeed } from "../../data/seeded-random";
import { inspectModel, type AnyModel } from "../../model";
import { resolveOutput, runScored } from "../../model/score-source";
import { batchInput } from "../model-input";
import { SaliencyResult } from "../saliency-result";
import { checkCount, range } from "./common";
import { checkOptionNames } from "../cam/smoothing";
import type { SaliencyOptions } from "../saliency";
import { resolveTargets } from "../cam/targets";

export type NoiseTunnelType = "smoothgrad" | "smoothgrad_sq" | "vargrad";

export interface NoiseTunnelOptions {
  /** Default "smoothgrad". */
  type?: NoiseTunnelType;
  /** Noisy copies per sample (default 5, captum's nt_samples). */
  samples?: number;
  /** Standard deviation of the Gaussian noise, in input units (default 1, captum's). */
  stdevs?: number;
  /** Seeds the noise (default 0). */
  seed?: number;
}

/** Any attribution function with the saliency signature (integratedGradients, deepLift, occlusion, …). */
export type AttributionMethod<O extends SaliencyOptions> = (
  model: AnyModel,
  input: tf.Tensor,
  options: O,
) => SaliencyResult;

const TYPES: NoiseTunnelType[] = ["smoothgrad", "smoothgrad_sq", "vargrad"];

/** Wraps `method`: the returned function takes the method's own options. */
export function noiseTunnel<O extends SaliencyOptions>(
  method: AttributionMethod<O>,
  tunnel: NoiseTunnelOptions = {},
): AttributionMethod<O> {
  if (typeof method !== "function") throw new TypeError("noiseTunnel wraps an attribution function");
  checkOptionNames(tunnel, ["type", "samples", "stdevs", "seed"], "noiseTunnel");
  const type = tunnel.type ?? "smoothgrad";
  if (!TYPES.includes(type))
    throw new RangeError(`noise tunnel type must be one of ${TYPES.join(", ")}, got "${type}"`);
  const copies = checkCount(tunnel.samples, 5, "samples");
  const stdevs = tunnel.stdevs ?? 1;
  if (!(stdevs >= 0)) throw new RangeError(`stdevs must be non-negative, got ${stdevs}`);
  return (model, input, options) => {
    const { x, batched } = batchInput(model, input);
    try {
      return tunnelled(model, x as tf.Tensor4D, options, {
        method,
        type,
        copies,
        stdevs,
        seed: tunnel.seed ?? 0,
      });
    } finally {
      if (batched) x.dispose();
    }
  };
}

interface Tunnel<O extends SaliencyOptions> {
  method: AttributionMethod<O>;
  type: NoiseTunnelType;
  copies: number;
  stdevs: number;
  seed: number;
}

function tunnelled<O extends SaliencyOptions>(
  model: AnyModel,
  x: tf.Tensor4D,
  options: O,
  t: Tunnel<O>,
): SaliencyResult {
  const batch = x.shape[0];
  const [classes, scores] = cleanTargets(model, x, options);
  const targets = typeof options.targets === "function" ? options.targets : repeat(classes ?? [], t.copies);
  const noisy = tf.tidy(() =>
    tf.concat(
      range(t.copies).map((k) =>
        tf.add(x, tf.randomNormal(x.shape, 0, t.stdevs, "float32", tfjsSeed(t.seed * 7919 + k))),
      ),
    ),
  );
  const tiled = tileBaseline(options, batch, t.copies);
  const inner = (() => {
    try {
      return t.method(model, noisy, { ...options, ...tiled, targets });
    } finally {
      tf.dispose([noisy, ...Object.values(tiled)]);
    }
  })();
  const attributions = tf.tidy(() => {
    const a = inner.attributions.reshape([t.copies, batch, ...inner.attributions.shape.slice(1)]);
    const mean = a.mean(0);
    if (t.type === "smoothgrad") return mean;
    const meanSq = a.square().mean(0);
    return t.type === "smoothgrad_sq" ? meanSq : meanSq.sub(mean.square());
  }) as tf.Tensor4D;
  const delta =
    inner.delta &&
    range(batch).map(
      (b) => range(t.copies).reduce((s, k) => s + (inner.delta as number[])[k * batch + b], 0) / t.copies,
    );
  const method = `NoiseTunnel(${t.type}, ${t.copies} samples, σ ${t.stdevs}) of ${inner.method}`;
  inner.dispose();
  return new SaliencyResult({ method, input: x, attributions, classes: classes ?? null, scores, delta });
}

/** Classes (given or the top ones) and clean scores, from one forward pass. */
function cleanTargets(
  model: AnyModel,
  x: tf.Tensor4D,
  options: SaliencyOptions,
): [number[] | null, number[]] {
  let classes: number[] | null = null;
  const m = inspectModel(model, "noiseTunnel");
  const source = resolveOutput(m, options.output);
  const scores = tf.tidy(() => {
    const { scored: output, captured } = runScored(m, [x], source);
    tf.dispose(captured);
    const given =
      typeof options.targets === "number"
        ? new Array<number>(x.shape[0]).fill(options.targets)
        : options.targets;
    const resolved = resolveTargets(given, output);
    classes = resolved.classes;
    return resolved.score(output, range(x.shape[0]));
  });
  const values = Array.from(scores.dataSync());
  scores.dispose();
  return [classes, values];
}

function repeat<T>(values: T[], times: number): T[] {
  return range(times).flatMap(() => values);
}

/** A batch-shaped baseline (one per sample) is repeated for every copy; others apply as they are. */
function tileBaseline(
  options: SaliencyOptions & { baseline?: unknown },
  batch: number,
  copies: number,
): object {
  const baseline = options.baseline;
  if (baseline instanceof tf.Tensor && baseline.rank === 4 && baseline.shape[0] === batch && batch > 1) {
    return { baseline: tf.tidy(() => tf.tile(baseline, [copies, 1, 1, 1])) };
  }
  return {};
}
