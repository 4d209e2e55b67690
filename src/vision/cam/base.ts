// The CAM pipeline every method shares (pytorch-grad-cam's template): run the model, take the target layer's
// activations A [B,h,w,C] (and, for gradient methods, dScore/dA in the same pass), let the method turn them into
// a map at the layer's resolution, then ReLU → per-image min-max → bilinear resize to the input → min-max.
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
import { spatialNodes } from "../../model/spatial";
import { explainGradientFailure } from "../../model/gradient-errors";
import { CamResult } from "./result";
import { checkTargets, resolveTargets, type CamTargets, type ResolvedTargets } from "./targets";

/** Turns a layer's activations into [batch, height, width, channels] (e.g. a vision transformer's tokens). */
export type ReshapeTransform = (activations: tf.Tensor) => tf.Tensor;

export interface CamOptions {
  /**
   * The layer to explain: a name, an "outer/inner" path, an index, or a GraphModel node (full name, unique suffix,
   * name scope). Needs [B,h,w,C] output, or a `reshapeTransform` that makes it so.
   */
  targetLayer: NodeRef;
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
  /** A class index per sample, or a function scoring each output row. Default: each sample's top class. */
  targets?: CamTargets;
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
  /** The target layer (node). */
  readonly layer: ModelNode;
  /** What the targets score. */
  readonly scoreSource: ScoreSource;
  readonly reshapeTransform?: ReshapeTransform;
  /** Which input the maps are drawn over. */
  readonly imageInput: number;
  /** Whether the method needs dScore/dA (one backward pass over the layers after the target). */
  protected abstract readonly usesGradients: boolean;

  constructor(model: AnyModel, options: CamOptions) {
    if (!options || options.targetLayer === undefined) {
      throw new TypeError(`${this.constructor.name} needs { targetLayer }: a layer name, path or index`);
    }
    this.model = inspectModel(model, this.constructor.name);
    this.imageInput = imageInputOf(this.model, this.constructor.name);
    this.layer = this.model.resolve(options.targetLayer);
    this.reshapeTransform = options.reshapeTransform;
    this.scoreSource = resolveOutput(this.model, options.output);
    if (!this.reshapeTransform) checkSpatial(this.model, this.layer, this.constructor.name);
    const source = this.scoreSource;
    if (source.node === null && !this.model.outputDependsOn(this.layer, source.outputIndex)) {
      throw new Error(
        `${this.constructor.name}: the ${options.output === undefined ? "output" : source.label} of ` +
          `"${this.model.name}" does not depend on layer "${this.layer.name}"`,
      );
    }
  }

  get name(): string {
    return this.constructor.name;
  }

  /** The method's map at the layer's resolution [B,h,w], before ReLU and normalisation. */
  protected abstract layerMap(context: CamContext): tf.Tensor3D;

  /**
   * Heatmaps [B,H,W] in [0,1] at the image input's size, and the raw map [B,h,w] at the layer's. Dispose the
   * result. Several inputs: a list in input order or a name → tensor map.
   */
  compute(input: ModelInputs, options: ComputeOptions = {}): CamResult {
    const inputs = this.checkInputs(input);
    const x = inputs[this.imageInput] as tf.Tensor4D;
    checkTargets(options.targets, x.shape[0], classCountOfSource(this.scoreSource));
    const forward = this.usesGradients
      ? this.forwardWithGradients(inputs, options.targets)
      : this.forwardOnly(inputs, options.targets);
    let shaped: { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } | undefined;
    try {
      shaped = this.reshaped(forward);
      const context = {
        input: x,
        inputs,
        rawActivations: forward.raw,
        ...shaped,
        output: forward.output,
        targets: forward.targets,
      };
      const raw = tf.tidy(() => this.layerMap(context));
      const heatmap = tf.tidy(() => normalizeAndResize(raw, [x.shape[1], x.shape[2]]));
      const scores = Array.from(
        tf.tidy(() => forward.targets.score(forward.output, range(x.shape[0])).dataSync()),
      );
      return new CamResult({
        method: this.name,
        layer: this.layer.name,
        heatmap,
        raw,
        classes: forward.targets.classes,
        scores,
      });
    } finally {
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
      feed: { node: this.layer, value: rawActivations },
    });
    return targets.score(scored, samples);
  }

  private checkInputs(input: ModelInputs): tf.Tensor[] {
    const list = inputList(this.model, input, `${this.name}.compute input`);
    list.forEach((t, i) => checkInput(this.model.inputs[i].shape, t, this.name));
    return list;
  }

  private reshaped(forward: Forward): { activations: tf.Tensor4D; gradients: tf.Tensor4D | null } {
    const transform = this.reshapeTransform;
    const apply = (t: tf.Tensor) => (transform ? tf.tidy(() => transform(t)) : t);
    const activations = apply(forward.raw);
    if (activations.rank !== 4) {
      if (activations !== forward.raw) activations.dispose();
      throw new Error(
        `${this.name}: ${transform ? "reshapeTransform returned" : `layer "${this.layer.name}" outputs`} ` +
          `[${activations.shape}], but a CAM needs [batch, height, width, channels]` +
          (transform
            ? ""
            : "; for token-shaped layers [batch, tokens, channels] pass a reshapeTransform (tokensToGrid)"),
      );
    }
    const gradients = forward.rawGradients ? apply(forward.rawGradients) : null;
    return { activations: activations as tf.Tensor4D, gradients: gradients as tf.Tensor4D | null };
  }

  private forwardOnly(inputs: tf.Tensor[], targets: CamTargets | undefined): Forward {
    const { scored, captured } = runScored(this.model, inputs, this.scoreSource, { capture: [this.layer] });
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
  private forwardWithGradients(inputs: tf.Tensor[], targets: CamTargets | undefined): Forward {
    const raw = this.model.run(inputs, { capture: [this.layer], capturesOnly: true }).captured[0];
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    let failure: unknown;
    const samples = range(inputs[this.imageInput].shape[0]);
    const differentiate = tf.grad((a: tf.Tensor) => {
      // An exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it.
      try {
        const { scored } = runScored(this.model, inputs, this.scoreSource, {
          feed: { node: this.layer, value: a },
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

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The input the maps are drawn over: the first one shaped [batch, height, width, channels]. */
function imageInputOf(model: InspectableModel, method: string): number {
  const index = model.inputs.findIndex((s) => s.shape.length === 4);
  if (index < 0) {
    throw new Error(
      `${method} explains image inputs [batch, height, width, channels]; "${model.name}" takes ` +
        model.inputs.map((s) => `[${s.shape.map((d) => d ?? "batch")}]`).join(", "),
    );
  }
  return index;
}

function checkSpatial(model: InspectableModel, layer: ModelNode, method: string): void {
  const shape = model.outputShape(layer);
  if (shape === null || shape.length === 4) return; // unknown until it runs: checked then
  const spatial = spatialNodes(model);
  throw new Error(
    `${method}: layer "${layer.name}" outputs ${JSON.stringify(shape)}, but a CAM needs a layer with spatial ` +
      `dimensions [batch, height, width, channels]; layers that have them: ${spatial.slice(-5).join(", ") || "none"}`,
  );
}

function checkInput(expected: (number | null)[], input: tf.Tensor, method: string): tf.Tensor {
  if (!(input instanceof tf.Tensor))
    throw new TypeError(`${method}.compute needs an input tensor, got ${typeof input}`);
  const fits = input.rank === expected.length && expected.every((d, i) => d === null || d === input.shape[i]);
  if (!fits) {
    const hint =
      input.rank === expected.length - 1 ? "; add the batch dimension with input.expandDims(0)" : "";
    throw new RangeError(
      `${method}.compute expects a batch of images shaped like the model input [${expected.map((d) => d ?? "batch")}], ` +
        `got [${input.shape}]${hint}`,
    );
  }
  return input;
}

/** ReLU → per-image min-max → bilinear resize (half-pixel centres, as OpenCV's INTER_LINEAR) → min-max. */
export function normalizeAndResize(raw: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  return tf.tidy(() => {
    const scaled = minMaxPerImage(tf.relu(raw));
    const resized = tf.image.resizeBilinear(scaled.expandDims(3) as tf.Tensor4D, size, false, true);
    return minMaxPerImage(resized.squeeze([3]) as tf.Tensor3D);
  });
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

/** Methods whose map is Σ_k w_k A_k state only their channel weights [B,C]. */
export abstract class ChannelWeightCAM extends BaseCAM {
  protected abstract channelWeights(context: CamContext): tf.Tensor2D;

  protected layerMap(context: CamContext): tf.Tensor3D {
    return weightedSum(context.activations, this.channelWeights(context));
  }
}
