// Activation maximisation (FlashTorch's GradientAscent, lucent's render_vis): find an input image that makes a
// filter (its mean activation) or a class score large, by gradient ascent on the image's parameters. Jitter (random
// shifts each step) and the Fourier / decorrelated-colour parameterisation keep the images readable. Only the
// image's parameters get gradients; the model is run through its own nodes (graph.ts) and never changed.
import { tf } from "../backend";
import { inspectModel, type AnyModel, type InspectableModel, type NodeRef } from "../model";
import { ImageParam, type Parameterization } from "./feature-vis-param";
import { ascend, probeFirst } from "./ascent-loop";
import { seededRandom, randomInt } from "../data/seeded-random";
import { renderGrid } from "../image/grid";
import { tensorToRgba } from "../image/tensor-image";
import { formatTick } from "../image/grid";
import type { RgbaImage } from "../image/png";
import { ImageView } from "../image/view";
import {
  ascentWarnings,
  checkImageChannels,
  checkObjective,
  decorrelateMismatch,
} from "./feature-vis-checks";

/** Maximise the mean activation of filter(s) of a layer, or the score of class(es); one image per entry. */
export type AscentObjective = { layer: NodeRef; filter: number | number[] } | { class: number | number[] };

export interface AscentProgress {
  step: number;
  steps: number;
  /** Mean objective over the images at this step. */
  objective: number;
}

export interface GradientAscentOptions {
  /** Optimisation steps (default 128). */
  steps?: number;
  /** Adam learning rate (default 0.05, lucent's). */
  learningRate?: number;
  /** Default "fft". */
  parameterization?: Parameterization;
  /** Decorrelated colour (default: on for 3-channel inputs). */
  decorrelate?: boolean;
  /** Largest random shift in pixels each step (default: 1/16 of the smaller side, at least 1; 0 = none). */
  jitter?: number;
  /** Image size when the model's input has none (default 64). */
  size?: [number, number];
  /** The model's input range; images in [0, 1] are mapped onto it (default [0, 1]). */
  inputRange?: [number, number];
  /** Same seed, same images (default 0). */
  seed?: number;
  /**
   * Filters of a layer that ends in a ReLU (Conv2D/Dense with activation "relu", ReLU layers): climb the value
   * before the ReLU (default true, as FlashTorch on PyTorch's separate conv and ReLU modules), so that a filter
   * that is zero on the start image still gets a gradient. The objective reported is then that value's mean.
   */
  preRelu?: boolean;
  /** Called after every step. */
  onStep?: (progress: AscentProgress) => void;
}

/** The images found and their objective. `images` ([B, H, W, C] in [0, 1]) is the caller's (`dispose()`). */
export class AscentResult extends ImageView {
  constructor(
    image: RgbaImage,
    description: string,
    readonly images: tf.Tensor4D,
    /** Each image's objective at the last step. */
    readonly objectives: number[],
    /** Mean objective per step. */
    readonly history: number[],
    /** What went wrong that did not stop the ascent, e.g. an objective that went down (also in the text). */
    readonly warnings: string[] = [],
  ) {
    super(image, [description, ...warnings.map((w) => `warning: ${w}`)].join("\n"));
  }

  dispose(): void {
    this.images.dispose();
  }
}

interface Target {
  name: string;
  indices: number[];
  /** Per-image objective [B] from the model run on the batch. */
  score(input: tf.Tensor4D): tf.Tensor1D;
}

function asList(value: number | number[], what: string): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((i) => Number.isInteger(i) && i >= 0)) {
    throw new RangeError(
      `${what} must be a non-negative integer or a non-empty list of them, got ${JSON.stringify(value)}`,
    );
  }
  return list;
}

function checkIndex(indices: number[], count: number, what: string): void {
  const bad = indices.find((i) => i >= count);
  if (bad !== undefined) throw new RangeError(`${what} ${bad} is outside 0..${count - 1}`);
}

/** Picks channel i_b of row b: a one-hot product (gather lacks a gradient on wasm). */
function pick(values: tf.Tensor2D, indices: number[]): tf.Tensor1D {
  // tf.oneHot refuses a depth of 1: a single channel is picked as it is
  if (values.shape[1] === 1) return values.reshape([-1]) as tf.Tensor1D;
  return tf.sum(tf.mul(values, tf.oneHot(indices, values.shape[1])), 1) as tf.Tensor1D;
}

function makeTarget(model: InspectableModel, objective: AscentObjective, usePreRelu: boolean): Target {
  if ("class" in objective) {
    const indices = asList(objective.class, "class");
    const shape = model.outputs[0].shape;
    if (shape.length !== 2)
      throw new RangeError(`a class objective needs a [batch, classes] output; got [${shape}]`);
    checkIndex(indices, shape[1] as number, "class");
    return {
      name: "class",
      indices,
      score: (x) => pick(model.run([x]).outputs[0] as tf.Tensor2D, indices),
    };
  }
  if (!("layer" in objective) || !("filter" in objective)) {
    throw new TypeError("the objective must be { layer, filter } or { class }");
  }
  const node = model.resolve(objective.layer);
  const indices = asList(objective.filter, "filter");
  return {
    name: `${node.name} filter`,
    indices,
    score: (x) => {
      // FlashTorch climbs a conv's output, which in PyTorch comes before the separate ReLU module; here the ReLU
      // is often the layer's own activation, so its pre-ReLU value is climbed (a dead filter still gets a gradient)
      const [act] = model.run([x], { capture: [node], capturesOnly: true, preRelu: usePreRelu }).captured;
      if (act.rank !== 4 && act.rank !== 2) {
        throw new RangeError(
          `layer "${node.name}" outputs [${act.shape}]; filters need [batch, h, w, c] or [batch, c]`,
        );
      }
      const channels = act.shape[act.rank - 1];
      checkIndex(indices, channels, `filter of layer "${node.name}" (${channels} channels):`);
      const perChannel = (act.rank === 4 ? act.mean([1, 2]) : act) as tf.Tensor2D;
      return pick(perChannel, indices);
    },
  };
}

function inputSize(model: InspectableModel, options: GradientAscentOptions): [number, number, number] {
  if (model.inputs.length !== 1)
    throw new Error(`gradient ascent needs a single-input model; "${model.name}" has ${model.inputs.length}`);
  const shape = model.inputs[0].shape;
  if (shape.length !== 4 || shape[3] === null) {
    throw new RangeError(
      `gradient ascent needs an image input [batch, height, width, channels]; "${model.name}" takes [${shape}]`,
    );
  }
  const [h, w] = [shape[1] ?? options.size?.[0] ?? 64, shape[2] ?? options.size?.[1] ?? 64];
  return [h, w, shape[3]];
}

/** Random shift by up to `jitter` pixels: pad with grey (as lucent), then crop at a random offset. */
function jitterImages(images: tf.Tensor4D, jitter: number, random: () => number): tf.Tensor4D {
  if (jitter === 0) return images;
  const [b, h, w, c] = images.shape;
  const padded = tf.pad(
    images,
    [
      [0, 0],
      [jitter, jitter],
      [jitter, jitter],
      [0, 0],
    ],
    0.5,
  );
  const dy = randomInt(random, 0, 2 * jitter);
  const dx = randomInt(random, 0, 2 * jitter);
  return tf.slice(padded, [0, dy, dx, 0], [b, h, w, c]);
}

/**
 * `gradientAscent(model, { layer, filter } | { class }, options)`: images that maximise a filter's mean activation
 * or a class score, one per requested filter/class, seeded, with a progress callback. Displays as a labelled grid.
 */
export function gradientAscent(
  model: AnyModel,
  objective: AscentObjective,
  options: GradientAscentOptions = {},
): AscentResult {
  checkObjective(objective);
  const m = inspectModel(model, "gradientAscent");
  const [height, width, channels] = inputSize(m, options);
  const target = makeTarget(m, objective, options.preRelu ?? true);
  const steps = options.steps ?? 128;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const jitter = options.jitter ?? Math.max(1, Math.round(Math.min(height, width) / 16));
  if (!Number.isInteger(jitter) || jitter < 0)
    throw new RangeError(`jitter must be a non-negative integer, got ${jitter}`);
  const [lo, hi] = options.inputRange ?? [0, 1];
  const seed = options.seed ?? 0;
  checkImageChannels(m.inputs[0].shape, channels);
  // Asked for on a model without 3 channels, decorrelated colour is left out and the result says so.
  const decorrelate = (options.decorrelate ?? channels === 3) && channels === 3;
  const notes = options.decorrelate && !decorrelate ? [decorrelateMismatch(m.inputs[0].shape, channels)] : [];
  const random = seededRandom(seed);
  const param = new ImageParam({
    batch: target.indices.length,
    height,
    width,
    channels,
    parameterization: options.parameterization ?? "fft",
    decorrelate,
    seed,
  });
  probeFirst(param, () =>
    target.score(
      param
        .images()
        .mul(hi - lo)
        .add(lo) as tf.Tensor4D,
    ),
  );
  try {
    const { last, history } = ascend(param.variables, {
      steps,
      learningRate: options.learningRate ?? 0.05,
      objective: () =>
        target.score(
          jitterImages(param.images(), jitter, random)
            .mul(hi - lo)
            .add(lo) as tf.Tensor4D,
        ),
      onStep: (step, objective) => options.onStep?.({ step, steps, objective }),
    });
    const images = param.images();
    const picture = render(images, target, last);
    const description = `gradient ascent on ${target.name} ${target.indices.join(", ")}: ${steps} steps, objective ${last.map(formatTick).join(", ")}`;
    const warnings = [...notes, ...ascentWarnings(history, decorrelate, options.decorrelate === undefined)];
    return new AscentResult(picture, description, images, last, history, warnings);
  } finally {
    param.dispose();
  }
}

function render(images: tf.Tensor4D, target: Target, objectives: number[]): RgbaImage {
  const tiles = target.indices.map((index, b) => {
    const one = tf.tidy(() => images.slice(b, 1));
    const image = tensorToRgba(one);
    one.dispose();
    return { image, label: `${index}: ${formatTick(objectives[b])}` };
  });
  return renderGrid(tiles, { title: `${target.name} (objective after ascent)`, minTileSize: 96 });
}
