// The CAM pipeline every method shares (pytorch-grad-cam's template): run the model, take the target layer's
// activations A [B,h,w,C] (and, for gradient methods, dScore/dA in the same pass), let the method turn them into
// a map at the layer's resolution, then ReLU → per-image min-max → bilinear resize to the input → min-max.
// Several target layers: each map is scaled to the input, then they are averaged and min-maxed again.
// The model is reached only through the model interface (src/model/): LayersModels and GraphModels alike.
import { tf } from "../../backend";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelInputs,
  type ModelNode,
  type NodeRef,
} from "../../model";
import { inputList } from "../../model/inputs";
import {
  classCountOfSource,
  resolveOutput,
  runScored,
  type OutputRef,
  type ScoreSource,
} from "../../model/score-source";
import { explainGradientFailure } from "../../model/gradient-errors";
import { CamResult } from "./result";
import {
  checkInput,
  checkSpatial,
  COMPUTE_OPTIONS,
  FAMILY_OPTIONS,
  imageInputOf,
  minMaxPerImage,
  normalizeAndResize,
  range,
  reduceChannels,
  scaleToInput,
  weightedSum,
} from "./pipeline";
import { checkTargets, resolveTargets, type CamTargets, type ResolvedTargets } from "./targets";
import { augmentations, checkOptionNames } from "./smoothing";

export {
  checkInput,
  minMaxPerImage,
  normalizeAndResize,
  reduceChannels,
  scaleToInput,
  weightedSum,
} from "./pipeline";

/** Turns a layer's activations into [batch, height, width, channels] (e.g. a vision transformer's tokens). */
export type ReshapeTransform = (activations: tf.Tensor) => tf.Tensor;

export interface CamOptions {
  /**
   * The layer to explain: a name, an "outer/inner" path, an index, or a GraphModel node (full name, unique suffix,
   * name scope). Needs [B,h,w,C] output, or a `reshapeTransform` that makes it so. Or several, whose maps are
   * averaged after scaling to the input.
   */
  targetLayer: NodeRef | NodeRef[];
  /**
   * Applied to the layer's activations and to their gradients before the method sees them, as pytorch-grad-cam's
   * reshape_transform: token-shaped layers [B, tokens, C] become [B, h, w, C] (see `tokensToGrid`).
   */
  reshapeTransform?: ReshapeTransform;
  /**
   * What the targets score: an output index or name (default output 0), or an inner node such as the logits
   * before a final softmax (Grad-CAM's paper uses the score before the softmax).
   */
  output?: OutputRef;
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

/** What a method sees: the batch, the layer's activations, gradients of the summed target scores, the targets. */
export interface CamContext {
  /** The image input the maps are drawn over (a model's first 4-D input), batched. */
  input: tf.Tensor4D;
  /** Every input of the model, batched, in input order (`input` is one of them). */
  inputs: tf.Tensor[];
  /** The layer's activations after `reshapeTransform`, [B,h,w,C]. */
  activations: tf.Tensor4D;
  /** The layer's own output as the model computes it (equal to `activations` without a reshapeTransform). */
  rawActivations: tf.Tensor;
  /** d(Σ target scores)/dA; only for methods with `usesGradients`. */
  gradients: tf.Tensor4D | null;
  /** The scored tensor: the chosen output (or node) for the batch. */
  output: tf.Tensor;
  targets: ResolvedTargets;
  /** The layer being explained (one of the method's target layers). */
  layer: ModelNode;
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

/** One target layer's pass: the method's raw map, the targets used and their clean scores. */
interface LayerPass {
  raw: tf.Tensor3D;
  classes: number[] | null;
  scores: number[];
}

interface Forward {
  raw: tf.Tensor;
  rawGradients: tf.Tensor | null;
  output: tf.Tensor;
  targets: ResolvedTargets;
}

export abstract class BaseCAM {
  /** The model, through the model interface. */
  readonly model: InspectableModel;
  /** The target layers, in the order given. */
  readonly layers: ModelNode[];
  /** What the targets score. */
  readonly scoreSource: ScoreSource;
  readonly reshapeTransform?: ReshapeTransform;
  /** Which input the maps are drawn over. */
  readonly imageInput: number;
  /** Whether the method needs dScore/dA (one backward pass over the layers after the target). */
  protected abstract readonly usesGradients: boolean;

  /** The layer of the pass under way (scoreWithActivations feeds it). */
  private passLayer: ModelNode | undefined;

  constructor(model: AnyModel, options: CamOptions) {
    if (!options || options.targetLayer === undefined) {
      throw new TypeError(`${this.constructor.name} needs { targetLayer }: a layer name, path or index`);
    }
    checkOptionNames(
      options,
      ["targetLayer", "reshapeTransform", "output", ...this.optionNames()],
      `new ${this.constructor.name}`,
      FAMILY_OPTIONS,
    );
    this.model = inspectModel(model, this.constructor.name);
    this.imageInput = imageInputOf(this.model, this.constructor.name);
    const refs = Array.isArray(options.targetLayer) ? options.targetLayer : [options.targetLayer];
    if (refs.length === 0) throw new RangeError(`${this.constructor.name}: targetLayer is an empty list`);
    this.layers = refs.map((ref) => this.model.resolve(ref));
    this.reshapeTransform = options.reshapeTransform;
    this.scoreSource = resolveOutput(this.model, options.output);
    const source = this.scoreSource;
    for (const layer of this.layers) {
      if (!this.reshapeTransform) checkSpatial(this.model, layer, this.constructor.name);
      if (source.node === null && !this.model.outputDependsOn(layer, source.outputIndex)) {
        throw new Error(
          `${this.constructor.name}: the ${options.output === undefined ? "output" : source.label} of ` +
            `"${this.model.name}" does not depend on layer "${layer.name}"`,
        );
      }
    }
  }

  /** The (first) target layer. */
  get layer(): ModelNode {
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
    const previous = this.passLayer;
    this.passLayer = context.layer;
    try {
      return this.layerMap(context);
    } finally {
      this.passLayer = previous;
    }
  }

  /** Constructor options a method accepts besides targetLayer, reshapeTransform and output (others are an error). */
  protected optionNames(): string[] {
    return [];
  }

  /** The method's map at the layer's resolution [B,h,w], before ReLU and normalisation. */
  protected abstract layerMap(context: CamContext): tf.Tensor3D;

  /**
   * Heatmaps [B,H,W] in [0,1] at the image input's size, and the raw map [B,h,w] at the layer's. Dispose the
   * result. Several inputs: a list in input order or a name → tensor map.
   */
  compute(input: ModelInputs, options: ComputeOptions = {}): CamResult {
    checkOptionNames(options, COMPUTE_OPTIONS, `${this.name}.compute`);
    const inputs = this.checkInputs(input);
    const x = inputs[this.imageInput] as tf.Tensor4D;
    checkTargets(options.targets, x.shape[0], classCountOfSource(this.scoreSource));
    const eigenSmooth = options.eigenSmooth === true;
    const explanation = options.augSmooth
      ? this.explainAugmented(inputs, options.targets, eigenSmooth)
      : this.explain(inputs, options.targets, eigenSmooth);
    return new CamResult({
      method: this.name,
      layer: this.layers.map((l) => l.name).join(", "),
      ...explanation,
      input: x,
    });
  }

  /**
   * The maps of one batch: per target layer, the method's map scaled to the input; several are combined
   * (combineLayers). Later layers explain the classes the first one resolved.
   */
  protected explain(inputs: tf.Tensor[], targets: CamTargets | undefined, eigenSmooth: boolean): Explanation {
    const x = inputs[this.imageInput] as tf.Tensor4D;
    const size: [number, number] = [x.shape[1], x.shape[2]];
    const scaled: tf.Tensor3D[] = [];
    let first: LayerPass | undefined;
    try {
      for (const layer of this.layers) {
        const pass = this.layerPass(inputs, layer, first?.classes ?? targets, eigenSmooth);
        if (this.layers.length > 1) scaled.push(scaleToInput(pass.raw, size));
        if (!first) first = pass;
        else pass.raw.dispose();
      }
    } catch (error) {
      tf.dispose([...scaled, ...(first ? [first.raw] : [])]);
      throw error;
    }
    const only = first as LayerPass;
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
    inputs: tf.Tensor[],
    layer: ModelNode,
    targets: CamTargets | undefined,
    eigenSmooth: boolean,
  ): LayerPass {
    const forward = this.usesGradients
      ? this.forwardWithGradients(inputs, targets, layer)
      : this.forwardOnly(inputs, targets, layer);
    let shaped: { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } | undefined;
    this.passLayer = layer;
    try {
      shaped = this.reshaped(forward, layer);
      const context: CamContext = {
        input: inputs[this.imageInput] as tf.Tensor4D,
        inputs,
        rawActivations: forward.raw,
        ...shaped,
        output: forward.output,
        targets: forward.targets,
        layer,
        eigenSmooth,
      };
      const raw = tf.tidy(() => this.layerMap(context));
      const samples = range(inputs[this.imageInput].shape[0]);
      const scores = Array.from(tf.tidy(() => forward.targets.score(forward.output, samples).dataSync()));
      return { raw, classes: forward.targets.classes, scores };
    } finally {
      this.passLayer = undefined;
      const owned = [
        forward.raw,
        forward.rawGradients,
        forward.output,
        shaped?.activations,
        shaped?.gradients,
      ];
      tf.dispose([...new Set(owned.filter((t): t is tf.Tensor => !!t))]);
    }
  }

  /**
   * pytorch-grad-cam's aug_smooth (ttach's HorizontalFlip × Multiply(0.9, 1, 1.1)) on the image input: the maps
   * of the six augmented batches, un-flipped and averaged. Targets are resolved once, on the unaugmented batch.
   */
  private explainAugmented(
    inputs: tf.Tensor[],
    targets: CamTargets | undefined,
    eigenSmooth: boolean,
  ): Explanation {
    const plain = this.explain(inputs, targets, eigenSmooth);
    const x = inputs[this.imageInput];
    let heatmaps: tf.Tensor3D[] = [plain.heatmap];
    let raws: tf.Tensor3D[] = [plain.raw];
    try {
      for (const { flip, factor } of augmentations()) {
        if (!flip && factor === 1) continue;
        const augmented = tf.tidy(() => tf.mul(flip ? tf.reverse(x, 2) : x, factor) as tf.Tensor4D);
        const augmentedInputs = inputs.map((t, i) => (i === this.imageInput ? augmented : t));
        let e: Explanation;
        try {
          e = this.explain(augmentedInputs, plain.classes ?? targets, eigenSmooth);
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

  /** Target scores of the model run on `inputs` (e.g. masked images): the rows' samples are `samples`. */
  protected scoreInputs(inputs: tf.Tensor[], samples: number[], targets: ResolvedTargets): tf.Tensor1D {
    const { scored, captured } = runScored(this.model, inputs, this.scoreSource);
    tf.dispose(captured);
    return targets.score(scored, samples);
  }

  /** Target scores with the layer's output replaced by `rawActivations` (its own shape, before any transform). */
  protected scoreWithActivations(
    inputs: tf.Tensor[],
    rawActivations: tf.Tensor,
    samples: number[],
    targets: ResolvedTargets,
  ): tf.Tensor1D {
    const { scored } = runScored(this.model, inputs, this.scoreSource, {
      feed: { node: this.passLayer ?? this.layer, value: rawActivations },
    });
    return targets.score(scored, samples);
  }

  protected checkInputs(input: ModelInputs): tf.Tensor[] {
    const list = inputList(this.model, input, `${this.name}.compute input`);
    list.forEach((t, i) => checkInput(this.model.inputs[i].shape, t, this.name));
    return list;
  }

  private reshaped(
    forward: Forward,
    layer: ModelNode,
  ): { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } {
    const transform = this.reshapeTransform;
    const apply = (t: tf.Tensor) => (transform ? tf.tidy(() => transform(t)) : t);
    const activations = apply(forward.raw);
    if (activations.rank !== 4) {
      if (activations !== forward.raw) activations.dispose();
      throw new Error(
        `${this.name}: ${transform ? "reshapeTransform returned" : `layer "${layer.name}" outputs`} ` +
          `[${activations.shape}], but a CAM needs [batch, height, width, channels]` +
          (transform
            ? ""
            : "; for token-shaped layers [batch, tokens, channels] pass a reshapeTransform (tokensToGrid)"),
      );
    }
    const gradients = forward.rawGradients ? apply(forward.rawGradients) : null;
    return { activations: activations as tf.Tensor4D, gradients: gradients as tf.Tensor4D | null };
  }

  private forwardOnly(inputs: tf.Tensor[], targets: CamTargets | undefined, layer: ModelNode): Forward {
    const { scored, captured } = runScored(this.model, inputs, this.scoreSource, { capture: [layer] });
    try {
      return {
        raw: captured[0],
        rawGradients: null,
        output: scored,
        targets: resolveTargets(targets, scored),
      };
    } catch (error) {
      tf.dispose([scored, captured[0]]);
      throw error;
    }
  }

  /**
   * One pass: the layers up to the target run outside the gradient; the rest runs with the target's output fed
   * in, so tf.grad differentiates only the suffix, and never with respect to weights.
   */
  private forwardWithGradients(
    inputs: tf.Tensor[],
    targets: CamTargets | undefined,
    layer: ModelNode,
  ): Forward {
    const raw = this.model.run(inputs, { capture: [layer], capturesOnly: true }).captured[0];
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    let failure: unknown;
    const samples = range(inputs[this.imageInput].shape[0]);
    const differentiate = tf.grad((a: tf.Tensor) => {
      // An exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it.
      try {
        const { scored } = runScored(this.model, inputs, this.scoreSource, {
          feed: { node: layer, value: a },
        });
        output = tf.keep(scored);
        resolved = resolveTargets(targets, output);
        return tf.sum(resolved.score(output, samples));
      } catch (error) {
        failure = error;
        return tf.sum(tf.mul(a, 0));
      }
    });
    let rawGradients: tf.Tensor;
    try {
      rawGradients = differentiate(raw);
    } catch (error) {
      tf.dispose([raw, ...(output ? [output] : [])]);
      throw explainGradientFailure(this.model, error, this.name);
    }
    if (failure !== undefined) {
      tf.dispose([raw, rawGradients, ...(output ? [output] : [])]);
      throw failure;
    }
    return { raw, rawGradients, output: output as tf.Tensor, targets: resolved as ResolvedTargets };
  }
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
