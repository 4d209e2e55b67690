// lucent's render_vis: optimise image parameters (pixel, Fourier or low-resolution) so that an objective grows,
// the model seeing the images through random transforms each step; and FlashTorch's deepdream, which climbs a
// filter starting from a given image. Seeded: the same call gives the same images on one machine.
import { tf } from "../../backend";
import { seededRandom, tfjsSeed } from "../../data/seeded-random";
import { renderGrid } from "../../image/grid";
import { tensorToRgba } from "../../image/tensor-image";
import { AscentResult } from "../feature-vis";
import { ImageParam } from "../feature-vis-param";
import { ascend, probeFirst } from "../ascent-loop";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelNode,
  type NodeRef,
} from "../../model";
import { batchInput } from "../model-input";
import type { Objective, ObjectiveContext } from "./objectives";
import { compose, standardTransforms, type Transform } from "./transforms";

/** Pixels at 1/factor of the size, upsampled bilinearly: smooth images with few parameters (Lucid's lowres_tensor). */
export class LowresParam {
  readonly variables: tf.Variable[];
  constructor(
    private readonly size: [number, number, number, number],
    factor: number,
    seed: number,
  ) {
    if (!Number.isInteger(factor) || factor < 1)
      throw new RangeError(`lowres factor must be a positive integer, got ${factor}`);
    const [b, h, w, c] = size;
    const small = [b, Math.max(1, Math.ceil(h / factor)), Math.max(1, Math.ceil(w / factor)), c];
    this.variables = [tf.tidy(() => tf.variable(tf.randomNormal(small, 0, 0.01, "float32", tfjsSeed(seed))))];
  }
  images(): tf.Tensor4D {
    const [, h, w] = this.size;
    return tf.tidy(() =>
      tf.sigmoid(tf.image.resizeBilinear(this.variables[0] as unknown as tf.Tensor4D, [h, w], false, true)),
    );
  }
  dispose(): void {
    tf.dispose(this.variables);
  }
}

export interface RenderOptions {
  /** Images optimised together (default 1; diversity needs several). */
  batch?: number;
  /** Default 512, lucent's thresholds' last. */
  steps?: number;
  /** Adam's learning rate (default 0.05, lucent's). */
  learningRate?: number;
  /** "fft" (default, lucent's), "pixel", or "lowres" (pixels at 1/lowresFactor, default 4). */
  parameterization?: "fft" | "pixel" | "lowres";
  lowresFactor?: number;
  /** Decorrelated colour for fft / pixel (default: on for 3 channels). */
  decorrelate?: boolean;
  /** Default standardTransforms(); [] for none. The result is resized to the model's input size. */
  transforms?: Transform[];
  /** Image size when the model's input has none (default 128). */
  size?: [number, number];
  /** The model's input range; images in [0, 1] are mapped onto it (default [0, 1]). */
  inputRange?: [number, number];
  /** Default 0. */
  seed?: number;
  /** Read named Conv2D / Dense layers with a fused ReLU before it (default true; see evaluate). */
  preRelu?: boolean;
  onStep?: (step: number, objective: number) => void;
}

/** The model's [H, W, C] (H, W from options when the model leaves them open). */
function sizeOf(model: InspectableModel, fallback: [number, number] | undefined): [number, number, number] {
  const shape = model.inputs[0].shape;
  if (model.inputs.length !== 1 || shape.length !== 4 || shape[3] === null) {
    throw new RangeError(
      `feature visualisation needs a single image input [batch, h, w, c]; "${model.name}" takes [${shape}]`,
    );
  }
  return [shape[1] ?? fallback?.[0] ?? 128, shape[2] ?? fallback?.[1] ?? 128, shape[3]];
}

/**
 * The objective on a batch the model sees (one forward pass capturing every layer the objective names). With
 * `usePreRelu`, a named layer with a fused ReLU is read before it, as lucent reads a PyTorch conv (whose ReLU is a
 * separate module): a unit that is zero on the start image still gets a gradient.
 */
function evaluate(
  model: InspectableModel,
  objective: Objective,
  seen: tf.Tensor4D,
  usePreRelu = true,
): tf.Tensor1D {
  const nodes: ModelNode[] = [];
  for (const node of objective.layers.map((ref) => model.resolve(ref))) {
    if (!nodes.some((n) => n.address === node.address)) nodes.push(node);
  }
  // a ReLU layer is read as it is (lucent reads PyTorch's separate ReLU modules after the ReLU); the others,
  // with usePreRelu, before their fused ReLU: two captures when an objective names both kinds
  const before = usePreRelu ? nodes.filter((n) => n.kind !== "ReLU") : [];
  const after = nodes.filter((n) => !before.includes(n));
  const runs = [
    ...(before.length > 0 ? [{ nodes: before, preRelu: true }] : []),
    ...(after.length > 0 || before.length === 0 ? [{ nodes: after, preRelu: false }] : []),
  ];
  const values = new Map<string, tf.Tensor>();
  let output: tf.Tensor | undefined;
  runs.forEach((r, i) => {
    const result = model.run([seen], { capture: r.nodes, preRelu: r.preRelu, capturesOnly: i > 0 });
    if (i === 0) {
      output = result.outputs[0];
      tf.dispose(result.outputs.slice(1));
    }
    r.nodes.forEach((n, k) => values.set(n.address, result.captured[k]));
  });
  const context: ObjectiveContext = {
    model,
    input: seen,
    output: output as tf.Tensor,
    layer: (ref: NodeRef) => values.get(model.resolve(ref).address) as tf.Tensor,
  };
  return objective.value(context);
}

/** lucent's render_vis: images maximising `objective`, displayed as a grid with their final values. */
export function renderVis(
  anyModel: AnyModel,
  objective: Objective,
  options: RenderOptions = {},
): AscentResult {
  const model = inspectModel(anyModel, "renderVis");
  const [h, w, c] = sizeOf(model, options.size);
  const batch = options.batch ?? 1;
  const steps = options.steps ?? 512;
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const seed = options.seed ?? 0;
  const kind = options.parameterization ?? "fft";
  const param =
    kind === "lowres"
      ? new LowresParam([batch, h, w, c], options.lowresFactor ?? 4, seed)
      : new ImageParam({
          batch,
          height: h,
          width: w,
          channels: c,
          parameterization: kind,
          decorrelate: options.decorrelate ?? c === 3,
          seed,
        });
  const transform = compose(options.transforms ?? standardTransforms());
  const random = seededRandom(seed);
  const [lo, hi] = options.inputRange ?? [0, 1];
  const seen = (images: tf.Tensor4D, rng: () => number) => {
    let x = transform(images, rng);
    if (x.shape[1] !== h || x.shape[2] !== w) x = tf.image.resizeBilinear(x, [h, w], false, true);
    return tf.add(tf.mul(x, hi - lo), lo) as tf.Tensor4D;
  };
  const usePreRelu = options.preRelu ?? true;
  // the probe draws its transforms from a fresh source of the same seed, leaving `random` for the loop
  probeFirst(param, () => evaluate(model, objective, seen(param.images(), seededRandom(seed)), usePreRelu));
  try {
    const { last, history } = ascend(param.variables, {
      steps,
      learningRate: options.learningRate ?? 0.05,
      objective: () => evaluate(model, objective, seen(param.images(), random), usePreRelu),
      onStep: options.onStep,
    });
    const images = param.images();
    const tiles = last.map((v, b) => {
      const one = tf.tidy(() => images.slice(b, 1));
      const image = tensorToRgba(one);
      one.dispose();
      return { image, label: v.toPrecision(3) };
    });
    const picture = renderGrid(tiles, { title: objective.name, minTileSize: 96 });
    return new AscentResult(
      picture,
      `renderVis ${objective.name}: ${steps} steps (${kind}), objective ${last.map((v) => v.toPrecision(3)).join(", ")}`,
      images,
      last,
      history,
    );
  } finally {
    param.dispose();
  }
}

export interface DeepDreamOptions {
  /** Default 20, FlashTorch's num_iter. */
  steps?: number;
  /** Default 0.1, FlashTorch's deepdream lr. */
  learningRate?: number;
  /** Climb the filter's value before its ReLU (default true, as gradientAscent). */
  preRelu?: boolean;
  inputRange?: [number, number];
}

/**
 * FlashTorch's deepdream: start from `image` ([H, W, C] or [1, H, W, C], values in [0, 1]) and climb the mean
 * activation of `filter` of `layer` by Adam on the pixels, kept in [0, 1]. Deterministic: no randomness.
 */
export function deepdream(
  anyModel: AnyModel,
  image: tf.Tensor,
  layer: NodeRef,
  filter: number,
  options: DeepDreamOptions = {},
): AscentResult {
  const model = inspectModel(anyModel, "deepdream");
  const target = model.resolve(layer);
  const { x, batched } = batchInput(model, image, "deepdream image");
  const start = tf.variable(x.toFloat());
  if (batched) x.dispose();
  const [lo, hi] = options.inputRange ?? [0, 1];
  const usePreRelu = options.preRelu ?? true;
  const score = (pixels: tf.Tensor) => {
    const [act] = model.run([tf.add(tf.mul(pixels, hi - lo), lo)], {
      capture: [target],
      capturesOnly: true,
      preRelu: usePreRelu,
    }).captured;
    const channels = act.shape[act.rank - 1];
    if (!Number.isInteger(filter) || filter < 0 || filter >= channels) {
      throw new RangeError(
        `deepdream: filter ${filter} is outside layer "${target.name}"'s ${channels} channels (0..${channels - 1})`,
      );
    }
    return tf.mean(tf.sum(tf.mul(act, tf.oneHot([filter], channels).reshape([channels])), -1));
  };
  try {
    tf.tidy(() => {
      score(start);
    });
  } catch (error) {
    start.dispose();
    throw error;
  }
  const optimizer = tf.train.adam(options.learningRate ?? 0.1);
  const steps = options.steps ?? 20;
  const history: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      const value = tf.tidy(() => {
        let s: tf.Scalar | undefined;
        optimizer
          .minimize(
            () => {
              s = tf.keep(score(start)) as tf.Scalar;
              return tf.neg(s) as tf.Scalar;
            },
            false,
            [start],
          )
          ?.dispose();
        start.assign(tf.clipByValue(start, 0, 1));
        return s as tf.Scalar;
      });
      history.push(value.dataSync()[0]);
      value.dispose();
    }
    const images = tf.clone(start) as tf.Tensor4D;
    const final = tf.tidy(() => score(start).dataSync()[0]);
    const picture = renderGrid(
      [{ image: tensorToRgba(images), label: `${target.name}:${filter} ${final.toPrecision(3)}` }],
      {
        title: "DeepDream",
        minTileSize: 96,
      },
    );
    return new AscentResult(
      picture,
      `deepdream on ${target.name} filter ${filter}: ${steps} steps, activation ${final.toPrecision(4)}`,
      images,
      [final],
      history,
    );
  } finally {
    start.dispose();
    optimizer.dispose();
  }
}
