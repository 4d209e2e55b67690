// The CAM pipeline every method shares (pytorch-grad-cam's template): run the model, take the target layer's
// activations A [B,h,w,C] (and, for gradient methods, dScore/dA in the same pass), let the method turn them into
// a map at the layer's resolution, then ReLU → per-image min-max → bilinear resize to the input → min-max.
// Several target layers: each map is scaled to the input, then they are averaged and min-maxed again.
// The model is reached only through the model interface (src/model/): LayersModels and GraphModels alike.
// The passes themselves are in forward.ts, test-time augmentation in augment.ts, the shared types in context.ts.
import { tf } from "../../backend";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelInputs,
  type ModelNode,
} from "../../model";
import { inputList } from "../../model/inputs";
import { classCountOfSource, resolveOutput, runScored, type ScoreSource } from "../../model/score-source";
import { explainAugmented } from "./augment";
import type {
  CamContext,
  CamOptions,
  ComputeOptions,
  Explanation,
  ReshapeTransform,
  TargetChooser,
} from "./context";
import { forwardOnly, forwardWithGradients, shapedForMethod, type PassSite } from "./forward";
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
import { checkOptionNames } from "./smoothing";

export {
  checkInput,
  minMaxPerImage,
  normalizeAndResize,
  reduceChannels,
  scaleToInput,
  weightedSum,
} from "./pipeline";
export type {
  CamContext,
  CamOptions,
  ComputeOptions,
  Explanation,
  ReshapeTransform,
  TargetChooser,
} from "./context";

/** One target layer's pass: the method's raw map, the targets used and their clean scores. */
interface LayerPass {
  raw: tf.Tensor3D;
  targets: ResolvedTargets;
  scores: number[];
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
    const given = options.targets;
    const choose: TargetChooser = (output) => this.chooseTargets(given, output);
    const explain = (batch: tf.Tensor[], chooser: TargetChooser) => this.explain(batch, chooser, eigenSmooth);
    const { targets: _used, ...explanation } = options.augSmooth
      ? explainAugmented(inputs, this.imageInput, choose, explain)
      : explain(inputs, choose);
    return new CamResult({
      method: this.name,
      layer: this.layers.map((l) => l.name).join(", "),
      ...explanation,
      input: x,
    });
  }

  /**
   * The targets of a batch, chosen from the scored output of the pass that explains it (no extra forward pass):
   * the given ones, or each sample's top class. Methods that pick their own targets (Finer-CAM) override this.
   */
  protected chooseTargets(targets: CamTargets | undefined, output: tf.Tensor): ResolvedTargets {
    return resolveTargets(targets, output);
  }

  /**
   * The maps of one batch: per target layer, the method's map scaled to the input; several are combined
   * (combineLayers). Later layers explain the targets the first one chose.
   */
  protected explain(inputs: tf.Tensor[], choose: TargetChooser, eigenSmooth: boolean): Explanation {
    const x = inputs[this.imageInput] as tf.Tensor4D;
    const size: [number, number] = [x.shape[1], x.shape[2]];
    const scaled: tf.Tensor3D[] = [];
    let first: LayerPass | undefined;
    try {
      for (const layer of this.layers) {
        const chosen = first?.targets;
        const pass = this.layerPass(inputs, layer, chosen ? () => chosen : choose, eigenSmooth);
        if (this.layers.length > 1) scaled.push(scaleToInput(pass.raw, size));
        if (!first) first = pass;
        else pass.raw.dispose();
      }
    } catch (error) {
      tf.dispose([...scaled, ...(first ? [first.raw] : [])]);
      throw error;
    }
    const only = first as LayerPass;
    const common = { classes: only.targets.classes, scores: only.scores, targets: only.targets };
    if (this.layers.length === 1) {
      return { ...common, raw: only.raw, heatmap: tf.tidy(() => normalizeAndResize(only.raw, size)) };
    }
    only.raw.dispose();
    const combined = tf.tidy(() => this.combineLayers(scaled));
    tf.dispose(scaled);
    const heatmap = tf.tidy(() => minMaxPerImage(tf.relu(combined)));
    return { ...common, heatmap, raw: combined };
  }

  /** How maps of several layers (each in [0,1] at the input's size) become one: their mean (pytorch-grad-cam). */
  protected combineLayers(maps: tf.Tensor3D[]): tf.Tensor3D {
    return tf.tidy(() => tf.div(tf.addN(maps), maps.length) as tf.Tensor3D);
  }

  /** One layer: forward (and backward), the method's raw map, the targets used and their clean scores. */
  protected layerPass(
    inputs: tf.Tensor[],
    layer: ModelNode,
    choose: TargetChooser,
    eigenSmooth: boolean,
  ): LayerPass {
    const site: PassSite = { model: this.model, scoreSource: this.scoreSource, method: this.name };
    const batch = inputs[this.imageInput].shape[0];
    const forward = this.usesGradients
      ? forwardWithGradients(site, inputs, layer, choose, batch)
      : forwardOnly(site, inputs, layer, choose);
    let shaped: { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } | undefined;
    this.passLayer = layer;
    try {
      shaped = shapedForMethod(forward, layer, this.reshapeTransform, this.name);
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
      const scores = Array.from(
        tf.tidy(() => forward.targets.score(forward.output, range(batch)).dataSync()),
      );
      return { raw, targets: forward.targets, scores };
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
