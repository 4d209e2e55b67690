// The CAM pipeline every method shares (pytorch-grad-cam's template): run the model, take the target layer's
// activations A [B,h,w,C] (and, for gradient methods, dScore/dA in the same pass), let the method turn them into
// a map at the layer's resolution, then ReLU → per-image min-max → bilinear resize to the input → min-max.
// Several target layers: each map is scaled to the input, then they are averaged and min-maxed again.
import { tf } from "../../backend";
import { outputDependsOn, resolveLayer, runModel, type Layer, type LayerRef } from "../graph";
import { firstComponentProjection } from "./projection";
import { CamResult } from "./result";
import { checkTargets, classCountOf, resolveTargets, type CamTargets, type ResolvedTargets } from "./targets";
import { augmentations, checkOptionNames } from "./smoothing";

export interface CamOptions {
  /**
   * The layer to explain: a name, an "outer/inner" path, or an index into model.layers; or several, whose maps
   * are averaged after scaling to the input. Needs [B,h,w,C] output.
   */
  targetLayer: LayerRef | LayerRef[];
}

export interface ComputeOptions {
  /**
   * A class index per sample, a target function per sample (see classifierOutputTarget and the others), or
   * one function scoring each output row. Default: each sample's top class.
   */
  targets?: CamTargets;
  /** Test-time augmentation: horizontal flips × brightness 0.9, 1, 1.1, maps averaged after un-flipping. */
  augSmooth?: boolean;
  /** Replace the channel sum by the first principal component of the weighted activations. */
  eigenSmooth?: boolean;
}

const COMPUTE_OPTIONS = ["targets", "augSmooth", "eigenSmooth"];

/** What a method sees: the batch, the layer's activations, gradients of the summed target scores, the targets. */
export interface CamContext {
  input: tf.Tensor4D;
  activations: tf.Tensor4D;
  /** d(Σ target scores)/dA; only for methods with `usesGradients`. */
  gradients: tf.Tensor4D | null;
  output: tf.Tensor;
  targets: ResolvedTargets;
  /** The layer being explained (one of the method's target layers). */
  layer: Layer;
  /** compute(..., { eigenSmooth }): reduce channels by their first principal component instead of summing. */
  eigenSmooth: boolean;
}

/** One explanation of a batch, before it becomes a CamResult. */
export interface Explanation {
  heatmap: tf.Tensor3D;
  raw: tf.Tensor3D;
  classes: number[] | null;
  scores: number[];
}

export abstract class BaseCAM {
  /** The target layers, in the order given. */
  readonly layers: Layer[];
  /** Whether the method needs dScore/dA (one backward pass over the layers after the target). */
  protected abstract readonly usesGradients: boolean;

  constructor(
    readonly model: tf.LayersModel,
    options: CamOptions,
  ) {
    if (!options || options.targetLayer === undefined) {
      throw new TypeError(`${this.constructor.name} needs { targetLayer }: a layer name, path or index`);
    }
    checkOptionNames(options, ["targetLayer", ...this.optionNames()], `new ${this.constructor.name}`);
    if (model.inputs.length !== 1) {
      throw new Error(
        `${this.constructor.name} explains single-input models; "${model.name}" has ${model.inputs.length}`,
      );
    }
    const refs = Array.isArray(options.targetLayer) ? options.targetLayer : [options.targetLayer];
    if (refs.length === 0) throw new RangeError(`${this.constructor.name}: targetLayer is an empty list`);
    this.layers = refs.map((ref) => resolveLayer(model, ref));
    for (const layer of this.layers) {
      checkSpatial(model, layer, this.constructor.name);
      if (!outputDependsOn(model, layer)) {
        throw new Error(
          `${this.constructor.name}: the output of "${model.name}" does not depend on layer "${layer.name}"`,
        );
      }
    }
  }

  /** The (first) target layer. */
  get layer(): Layer {
    return this.layers[0];
  }

  get name(): string {
    return this.constructor.name;
  }

  /** Whether the method differentiates the target score (compound methods inherit their base's need). */
  get needsGradients(): boolean {
    return this.usesGradients;
  }

  /** The method's raw map for one layer's activations (and gradients): what compound methods build on. */
  mapAtLayer(context: CamContext): tf.Tensor3D {
    return this.layerMap(context);
  }

  /** Constructor options a method accepts besides targetLayer (unknown ones are an error). */
  protected optionNames(): string[] {
    return [];
  }

  /** The method's map at the layer's resolution [B,h,w], before ReLU and normalisation. */
  protected abstract layerMap(context: CamContext): tf.Tensor3D;

  /** Heatmaps [B,H,W] in [0,1] at the input's size, and the raw map [B,h,w] at the layer's. Dispose the result. */
  compute(input: tf.Tensor, options: ComputeOptions = {}): CamResult {
    checkOptionNames(options, COMPUTE_OPTIONS, `${this.name}.compute`);
    const x = checkInput(this.model, input, this.name);
    checkTargets(options.targets, x.shape[0], classCountOf(this.model));
    const eigenSmooth = options.eigenSmooth === true;
    const explanation = options.augSmooth
      ? this.explainAugmented(x, options.targets, eigenSmooth)
      : this.explain(x, options.targets, eigenSmooth);
    return new CamResult({
      method: this.name,
      layer: this.layers.map((l) => l.name).join(", "),
      ...explanation,
    });
  }

  /**
   * The maps of one batch: per target layer, the method's map scaled to the input; several are combined
   * (combineLayers). Later layers explain the classes the first one resolved.
   */
  protected explain(x: tf.Tensor4D, targets: CamTargets | undefined, eigenSmooth: boolean): Explanation {
    const size: [number, number] = [x.shape[1], x.shape[2]];
    const scaled: tf.Tensor3D[] = [];
    let first: { raw: tf.Tensor3D; classes: number[] | null; scores: number[] } | undefined;
    try {
      for (const layer of this.layers) {
        const pass = this.layerPass(x, layer, first?.classes ?? targets, eigenSmooth);
        if (this.layers.length > 1) scaled.push(scaleToInput(pass.raw, size));
        if (!first) first = pass;
        else pass.raw.dispose();
      }
    } catch (error) {
      tf.dispose([...scaled, ...(first ? [first.raw] : [])]);
      throw error;
    }
    const only = first as { raw: tf.Tensor3D; classes: number[] | null; scores: number[] };
    if (this.layers.length === 1) {
      return { ...only, heatmap: tf.tidy(() => normalizeAndResize(only.raw, size)) };
    }
    only.raw.dispose();
    const combined = tf.tidy(() => this.combineLayers(scaled));
    tf.dispose(scaled);
    const heatmap = tf.tidy(() => minMaxPerImage(tf.relu(combined)));
    return { heatmap, raw: combined, classes: only.classes, scores: only.scores };
  }

  /** How maps of several layers (each in [0,1] at the input's size) become one: their mean (pytorch-grad-cam). */
  protected combineLayers(maps: tf.Tensor3D[]): tf.Tensor3D {
    return tf.tidy(() => tf.div(tf.addN(maps), maps.length) as tf.Tensor3D);
  }

  /** One layer: forward (and backward), the method's raw map, the targets used and their clean scores. */
  protected layerPass(
    x: tf.Tensor4D,
    layer: Layer,
    targets: CamTargets | undefined,
    eigenSmooth: boolean,
  ): { raw: tf.Tensor3D; classes: number[] | null; scores: number[] } {
    const forward = this.usesGradients
      ? this.forwardWithGradients(x, targets, layer)
      : this.forwardOnly(x, targets, layer);
    try {
      const raw = tf.tidy(() => this.layerMap({ input: x, ...forward, layer, eigenSmooth }));
      const scores = Array.from(
        tf.tidy(() => forward.targets.score(forward.output, range(x.shape[0])).dataSync()),
      );
      return { raw, classes: forward.targets.classes, scores };
    } finally {
      tf.dispose([forward.activations, forward.output, ...(forward.gradients ? [forward.gradients] : [])]);
    }
  }

  /**
   * pytorch-grad-cam's aug_smooth (ttach's HorizontalFlip × Multiply(0.9, 1, 1.1)): the maps of the six
   * augmented batches, un-flipped and averaged. Targets are resolved once, on the unaugmented batch.
   */
  private explainAugmented(
    x: tf.Tensor4D,
    targets: CamTargets | undefined,
    eigenSmooth: boolean,
  ): Explanation {
    const plain = this.explain(x, targets, eigenSmooth);
    let heatmaps: tf.Tensor3D[] = [plain.heatmap];
    let raws: tf.Tensor3D[] = [plain.raw];
    try {
      for (const { flip, factor } of augmentations()) {
        if (!flip && factor === 1) continue;
        const augmented = tf.tidy(() => tf.mul(flip ? tf.reverse(x, 2) : x, factor) as tf.Tensor4D);
        let e: Explanation;
        try {
          e = this.explain(augmented, plain.classes ?? targets, eigenSmooth);
        } finally {
          augmented.dispose();
        }
        const unflip = (t: tf.Tensor3D) => (flip ? tf.tidy(() => tf.reverse(t, 2) as tf.Tensor3D) : t);
        const [h, r] = [unflip(e.heatmap), unflip(e.raw)];
        if (flip) tf.dispose([e.heatmap, e.raw]);
        heatmaps = [...heatmaps, h];
        raws = [...raws, r];
      }
      const mean = (ts: tf.Tensor3D[]) => tf.tidy(() => tf.div(tf.addN(ts), ts.length) as tf.Tensor3D);
      return { heatmap: mean(heatmaps), raw: mean(raws), classes: plain.classes, scores: plain.scores };
    } finally {
      tf.dispose([...heatmaps, ...raws]);
    }
  }

  private forwardOnly(x: tf.Tensor4D, targets: CamTargets | undefined, layer: Layer) {
    const { outputs, captured } = runModel(this.model, x, { capture: [layer] });
    tf.dispose(outputs.slice(1));
    try {
      const resolved = resolveTargets(targets, outputs[0]);
      return {
        activations: captured[0] as tf.Tensor4D,
        gradients: null,
        output: outputs[0],
        targets: resolved,
      };
    } catch (error) {
      tf.dispose([outputs[0], captured[0]]);
      throw error;
    }
  }

  /**
   * One pass: the layers up to the target run outside the gradient; the rest runs with the target's output
   * substituted, so tf.grad differentiates only the suffix, and never with respect to weights.
   */
  private forwardWithGradients(x: tf.Tensor4D, targets: CamTargets | undefined, layer: Layer) {
    const activations = runModel(this.model, x, { capture: [layer], stopAfterCapture: true })
      .captured[0] as tf.Tensor4D;
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    let failure: unknown;
    const samples = range(x.shape[0]);
    const gradients = tf.grad((a: tf.Tensor) => {
      // An exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it.
      try {
        const outputs = runModel(this.model, x, { substitute: { layer, value: a } }).outputs;
        output = tf.keep(outputs[0]);
        resolved = resolveTargets(targets, output);
        return tf.sum(resolved.score(output, samples));
      } catch (error) {
        failure = error;
        return tf.sum(tf.mul(a, 0));
      }
    })(activations) as tf.Tensor4D;
    if (failure !== undefined) {
      tf.dispose([activations, gradients, ...(output ? [output] : [])]);
      throw failure;
    }
    return { activations, gradients, output: output as tf.Tensor, targets: resolved as ResolvedTargets };
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function checkSpatial(model: tf.LayersModel, layer: Layer, method: string): void {
  let shape: unknown;
  try {
    shape = layer.outputShape;
  } catch {
    return; // a layer with several differently shaped calls: checked when it runs
  }
  if (Array.isArray(shape) && shape.length === 4 && !Array.isArray(shape[0])) return;
  const spatial = model.layers
    .filter((l) => {
      try {
        return (l.outputShape as unknown[]).length === 4 && !Array.isArray(l.outputShape[0]);
      } catch {
        return false;
      }
    })
    .map((l) => `"${l.name}"`);
  throw new Error(
    `${method}: layer "${layer.name}" outputs ${JSON.stringify(shape)}, but a CAM needs a layer with spatial ` +
      `dimensions [batch, height, width, channels]; layers that have them: ${spatial.slice(-5).join(", ") || "none"}`,
  );
}

export function checkInput(model: tf.LayersModel, input: tf.Tensor, method: string): tf.Tensor4D {
  if (!(input instanceof tf.Tensor))
    throw new TypeError(`${method}.compute needs an input tensor, got ${typeof input}`);
  const expected = model.inputs[0].shape;
  const fits =
    input.rank === 4 && expected.length === 4 && expected.every((d, i) => d === null || d === input.shape[i]);
  if (!fits) {
    const hint =
      input.rank === expected.length - 1 ? "; add the batch dimension with input.expandDims(0)" : "";
    throw new RangeError(
      `${method}.compute expects a batch of images shaped like the model input [${expected.map((d) => d ?? "batch")}], ` +
        `got [${input.shape}]${hint}`,
    );
  }
  return input as tf.Tensor4D;
}

/** ReLU → per-image min-max → bilinear resize to the input (one layer's share of a multi-layer map). */
export function scaleToInput(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = minMaxPerImage(tf.relu(raw));
    return tf.image
      .resizeBilinear(scaled.expandDims(3) as tf.Tensor4D, size, false, true)
      .squeeze([3]) as tf.Tensor3D;
  });
}

/** ReLU → per-image min-max → bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR) → min-max. */
export function normalizeAndResize(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => minMaxPerImage(scaleToInput(raw, size)));
}

/** x ← x − min; x ← x / (1e-7 + max), per image (pytorch-grad-cam's scale_cam_image). */
export function minMaxPerImage(maps: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const shifted = tf.sub(maps, tf.min(maps, [1, 2], true));
    return tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)) as tf.Tensor3D;
  });
}

/** Σ_k w_k A_k for weights [B,C] and activations [B,h,w,C]. */
export function weightedSum(activations: tf.Tensor4D, weights: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => tf.sum(tf.mul(activations, weights.expandDims(1).expandDims(1)), 3) as tf.Tensor3D);
}

/** Per-channel values [B,h,w,C] → a map: their sum, or (eigenSmooth) their first principal component. */
export function reduceChannels(values: tf.Tensor4D, eigenSmooth: boolean): tf.Tensor3D {
  return eigenSmooth ? firstComponentProjection(values) : (tf.sum(values, 3) as tf.Tensor3D);
}

/** Methods whose map is Σ_k w_k A_k state only their channel weights [B,C]. */
export abstract class ChannelWeightCAM extends BaseCAM {
  protected abstract channelWeights(context: CamContext): tf.Tensor2D;

  protected layerMap(context: CamContext): tf.Tensor3D {
    const weights = this.channelWeights(context);
    if (!context.eigenSmooth) return weightedSum(context.activations, weights);
    const weighted = tf.mul(context.activations, weights.expandDims(1).expandDims(1)) as tf.Tensor4D;
    return reduceChannels(weighted, true);
  }
}
