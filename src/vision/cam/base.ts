// The CAM pipeline every method shares (pytorch-grad-cam's template): run the model, take the target layer's
// activations A [B,h,w,C] (and, for gradient methods, dScore/dA in the same pass), let the method turn them into
// a map at the layer's resolution, then ReLU → per-image min-max → bilinear resize to the input → min-max.
import { tf } from "../../backend";
import { outputDependsOn, resolveLayer, runModel, type Layer, type LayerRef } from "../graph";
import { CamResult } from "./result";
import { withShapeHint } from "../../model/shape-hint";
import { checkTargets, classCountOf, resolveTargets, type CamTargets, type ResolvedTargets } from "./targets";

export interface CamOptions {
  /** The layer to explain: a name, an "outer/inner" path, or an index into model.layers. Needs [B,h,w,C] output. */
  targetLayer: LayerRef;
}

export interface ComputeOptions {
  /** A class index per sample, or a function scoring each output row. Default: each sample's top class. */
  targets?: CamTargets;
}

/** What a method sees: the batch, the layer's activations, gradients of the summed target scores, the targets. */
export interface CamContext {
  input: tf.Tensor4D;
  activations: tf.Tensor4D;
  /** d(Σ target scores)/dA; only for methods with `usesGradients`. */
  gradients: tf.Tensor4D | null;
  output: tf.Tensor;
  targets: ResolvedTargets;
}

export abstract class BaseCAM {
  readonly layer: Layer;
  /** Whether the method needs dScore/dA (one backward pass over the layers after the target). */
  protected abstract readonly usesGradients: boolean;

  constructor(
    readonly model: tf.LayersModel,
    options: CamOptions,
  ) {
    if (!options || options.targetLayer === undefined) {
      throw new TypeError(`${this.constructor.name} needs { targetLayer }: a layer name, path or index`);
    }
    if (model.inputs.length !== 1) {
      throw new Error(
        `${this.constructor.name} explains single-input models; "${model.name}" has ${model.inputs.length}`,
      );
    }
    this.layer = resolveLayer(model, options.targetLayer);
    checkSpatial(model, this.layer, this.constructor.name);
    if (!outputDependsOn(model, this.layer)) {
      throw new Error(
        `${this.constructor.name}: the output of "${model.name}" does not depend on layer "${this.layer.name}"`,
      );
    }
  }

  get name(): string {
    return this.constructor.name;
  }

  /** The method's map at the layer's resolution [B,h,w], before ReLU and normalisation. */
  protected abstract layerMap(context: CamContext): tf.Tensor3D;

  /** Heatmaps [B,H,W] in [0,1] at the input's size, and the raw map [B,h,w] at the layer's. Dispose the result. */
  compute(input: tf.Tensor, options: ComputeOptions = {}): CamResult {
    const x = checkInput(this.model, input, this.name);
    checkTargets(options.targets, x.shape[0], classCountOf(this.model));
    const forward = this.usesGradients
      ? this.forwardWithGradients(x, options.targets)
      : this.forwardOnly(x, options.targets);
    try {
      const raw = tf.tidy(() => this.layerMap({ input: x, ...forward }));
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
        input: x,
      });
    } finally {
      tf.dispose([forward.activations, forward.gradients, forward.output].filter((t) => t !== null));
    }
  }

  private forwardOnly(x: tf.Tensor4D, targets: CamTargets | undefined) {
    const { outputs, captured } = runModel(this.model, x, { capture: [this.layer] });
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
  private forwardWithGradients(x: tf.Tensor4D, targets: CamTargets | undefined) {
    const activations = runModel(this.model, x, { capture: [this.layer], stopAfterCapture: true })
      .captured[0] as tf.Tensor4D;
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    let failure: unknown;
    const samples = range(x.shape[0]);
    const gradients = tf.grad((a: tf.Tensor) => {
      // An exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it.
      try {
        const outputs = runModel(this.model, x, { substitute: { layer: this.layer, value: a } }).outputs;
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

function checkInput(model: tf.LayersModel, input: tf.Tensor, method: string): tf.Tensor4D {
  if (!(input instanceof tf.Tensor))
    throw new TypeError(`${method}.compute needs an input tensor, got ${typeof input}`);
  const expected = model.inputs[0].shape;
  const fits =
    input.rank === 4 && expected.length === 4 && expected.every((d, i) => d === null || d === input.shape[i]);
  if (!fits) {
    throw new RangeError(
      withShapeHint(
        `${method}.compute expects a batch of images shaped like the model input [${expected.map((d) => d ?? "batch")}], ` +
          `got [${input.shape}]`,
        input.shape,
        expected,
      ),
    );
  }
  return input as tf.Tensor4D;
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
