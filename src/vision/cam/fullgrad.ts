// FullGrad (Srinivas & Fleuret 2019, arXiv 1905.00780) as pytorch-grad-cam computes it: |x ⊙ ∂y/∂x| plus, for every
// Conv2D with a bias and every BatchNormalization, |b ⊙ ∂y/∂z| (z the layer's pre-activation output, b its bias;
// BN's bias is β − μ·γ/√(σ²+ε)), each channel min-max scaled and resized to the input, summed, min-maxed.
// All the gradients come from ONE forward and ONE backward pass: a zero "tap" is added to each bias layer's
// output and the score is differentiated with respect to the input and the taps together.
import { tf } from "../../backend";
import { callLayer, layerPaths, runModel, type Layer } from "../graph";
import type { AnyModel } from "../../model";
import { layersModelOf } from "../layers-only";
import {
  BaseCAM,
  minMaxPerImage,
  type CamContext,
  type CamOptions,
  type Explanation,
  type TargetChooser,
} from "./base";
import { firstComponentProjection } from "./projection";
import type { ResolvedTargets } from "./targets";

interface BiasInternals {
  useBias?: boolean;
  bias?: { read(): tf.Tensor1D } | null;
  kernel?: { read(): tf.Tensor4D };
  strides: [number, number];
  padding: "valid" | "same";
  dilationRate: number | [number, number];
  activation: { apply(x: tf.Tensor): tf.Tensor } | null;
  dataFormat?: string;
  gamma?: { read(): tf.Tensor1D } | null;
  beta?: { read(): tf.Tensor1D } | null;
  movingMean: { read(): tf.Tensor1D };
  movingVariance: { read(): tf.Tensor1D };
  epsilon: number;
}

/** Conv2D layers with a bias and BatchNormalization layers, in model order (FullGrad's bias layers). */
export function biasLayers(model: tf.LayersModel): Layer[] {
  return layerPaths(model)
    .map((e) => e.layer)
    .filter((layer) => {
      const name = layer.getClassName();
      const internals = layer as unknown as BiasInternals;
      return ((name === "Conv2D" && internals.bias) || name === "BatchNormalization") && isSpatial(layer);
    });
}

function isSpatial(layer: Layer): boolean {
  try {
    const shape = layer.outputShape as unknown[];
    return shape.length === 4 && !Array.isArray(shape[0]);
  } catch {
    return false;
  }
}

/** The layer's bias as FullGrad uses it (BN folded into one per-channel offset). */
function biasOf(layer: Layer): tf.Tensor1D {
  const l = layer as unknown as BiasInternals;
  if (layer.getClassName() === "Conv2D") return (l.bias as { read(): tf.Tensor1D }).read();
  return tf.tidy(() => {
    const gamma = l.gamma ? l.gamma.read() : tf.scalar(1);
    const beta = l.beta ? l.beta.read() : tf.scalar(0);
    const scale = tf.div(gamma, tf.sqrt(tf.add(l.movingVariance.read(), l.epsilon)));
    return tf.sub(beta, tf.mul(l.movingMean.read(), scale)) as tf.Tensor1D;
  });
}

export interface FullGradOptions extends Partial<CamOptions> {
  /** Ignored, as in pytorch-grad-cam: FullGrad uses every bias layer. */
  targetLayer?: CamOptions["targetLayer"];
}

/**
 * FullGrad explains LayersModels only: its taps go inside each Conv2D (before the activation), which needs the
 * layer walker's call hook; a GraphModel is refused with a clear error.
 */
export class FullGrad extends BaseCAM {
  protected readonly usesGradients = true;
  /** The LayersModel the taps are placed in. */
  private readonly source: tf.LayersModel;
  /** The bias layers, parallel to `layers`. */
  private readonly biasLayers: Layer[];

  constructor(model: AnyModel, options: FullGradOptions = {}) {
    const source = layersModelOf(model, "FullGrad");
    const layers = biasLayers(source);
    if (layers.length === 0) {
      throw new Error(
        `FullGrad needs Conv2D layers with a bias or BatchNormalization layers; "${source.name}" has none`,
      );
    }
    super(source, { ...options, targetLayer: layers });
    this.source = source;
    this.biasLayers = layers;
    if (this.scoreSource.node !== null) {
      throw new Error(
        `FullGrad scores a model output (an index or output name), not the inner node "${this.scoreSource.label}"`,
      );
    }
  }

  private biasLayerOf(node: CamContext["layer"]): Layer {
    return this.biasLayers[this.layers.indexOf(node)];
  }

  /** One bias layer's term [B,h,w]: Σ_k minmax(|b_k ⊙ ∂y/∂z_k|), before the resize (resize is linear). */
  protected layerMap(context: CamContext): tf.Tensor3D {
    if (!context.gradients) throw new Error("internal: FullGrad ran without gradients");
    const term = tf.abs(tf.mul(context.gradients, biasOf(this.biasLayerOf(context.layer)))) as tf.Tensor4D;
    return sumOfScaledChannels(term);
  }

  protected override explain(inputs: tf.Tensor[], choose: TargetChooser, eigenSmooth: boolean): Explanation {
    const x = inputs[this.imageInput] as tf.Tensor4D;
    const pass = this.gradientsAtTaps(inputs, choose);
    const size: [number, number] = [x.shape[1], x.shape[2]];
    try {
      const raw = tf.tidy(() => {
        const inputTerm = sumOfScaledChannels(tf.abs(tf.mul(x, pass.inputGradient)) as tf.Tensor4D);
        const perLayer = this.layers.map((layer, i) =>
          this.layerMap({
            input: x,
            inputs,
            rawActivations: pass.gradients[i],
            activations: pass.gradients[i],
            gradients: pass.gradients[i],
            output: pass.output,
            targets: pass.targets,
            layer,
            eigenSmooth,
          }),
        );
        // resizing is linear: the layers of one resolution are summed first, then resized once
        const terms = eigenSmooth
          ? perLayer.map((t) => resize(t, size))
          : sumByResolution(perLayer).map((t) => resize(t, size));
        if (!eigenSmooth) return tf.addN([inputTerm, ...terms]) as tf.Tensor3D;
        // pytorch-grad-cam: the per-layer maps, at 1/8 of the input size, reduced by their first component
        const small: [number, number] = [Math.max(1, size[0] >> 3), Math.max(1, size[1] >> 3)];
        const stack = tf.stack(
          [inputTerm, ...terms].map((t) => resize(minMaxPerImage(t), small)),
          3,
        );
        return resize(firstComponentProjection(stack as tf.Tensor4D), size);
      });
      const heatmap = tf.tidy(() => minMaxPerImage(tf.relu(raw)));
      const scores = Array.from(tf.tidy(() => pass.targets.score(pass.output, range(x.shape[0])).dataSync()));
      return { heatmap, raw, classes: pass.targets.classes, scores, targets: pass.targets };
    } finally {
      tf.dispose([pass.inputGradient, pass.output, ...pass.gradients]);
    }
  }

  /** ∂y/∂x and ∂y/∂z at every bias layer, from one forward and one backward pass. */
  private gradientsAtTaps(inputs: tf.Tensor[], choose: TargetChooser) {
    const x = inputs[this.imageInput];
    const batch = x.shape[0];
    const taps = this.biasLayers.map((layer) => {
      const shape = layer.outputShape as (number | null)[];
      if (!Array.isArray(shape) || shape.length !== 4 || shape.slice(1).some((d) => typeof d !== "number")) {
        throw new Error(
          `FullGrad: bias layer "${layer.name}" has no single static output shape (${JSON.stringify(shape)})`,
        );
      }
      return tf.zeros([batch, ...(shape.slice(1) as number[])]);
    });
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    // the image input is differentiated; any other input is held constant
    const all = tf.grads((input: tf.Tensor, ...zeros: tf.Tensor[]) => {
      const fed = inputs.map((t, i) => (i === this.imageInput ? input : t));
      const tapped = new Set<Layer>();
      const outputs = runModel(this.source, fed, {
        callLayer: (layer, inputs, defaultCall) => {
          const i = this.biasLayers.indexOf(layer);
          if (i < 0 || tapped.has(layer)) return defaultCall();
          tapped.add(layer);
          return tappedCall(layer, inputs, zeros[i]);
        },
      }).outputs;
      const out = outputs[this.scoreSource.outputIndex];
      output = tf.keep(out);
      resolved = choose(out);
      return tf.sum(resolved.score(out, range(batch)));
    })([x, ...taps]);
    tf.dispose(taps);
    const [inputGradient, ...gradients] = all;
    return {
      inputGradient,
      gradients: gradients as tf.Tensor4D[],
      output: output as tf.Tensor,
      targets: resolved as ResolvedTargets,
    };
  }
}

/** The layer's output with `tap` added before its activation (a Conv2D's activation comes after its bias). */
function tappedCall(layer: Layer, inputs: tf.Tensor[], tap: tf.Tensor): tf.Tensor {
  if (layer.getClassName() !== "Conv2D") return tf.add(callLayer(layer, inputs) as tf.Tensor, tap);
  const l = layer as unknown as BiasInternals;
  const z = tf.add(
    tf.add(
      tf.conv2d(
        inputs[0] as tf.Tensor4D,
        (l.kernel as { read(): tf.Tensor4D }).read(),
        l.strides,
        l.padding,
        "NHWC",
        l.dilationRate,
      ),
      (l.bias as { read(): tf.Tensor1D }).read(),
    ),
    tap,
  );
  return l.activation ? l.activation.apply(z) : z;
}

/** Σ_k of each (image, channel) map min-max scaled (pytorch-grad-cam's scale_accross_batch_and_channels). */
function sumOfScaledChannels(values: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const shifted = tf.sub(values, tf.min(values, [1, 2], true));
    return tf.sum(tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)), 3) as tf.Tensor3D;
  });
}

/** Maps of equal [h, w] added together, one sum per resolution. */
function sumByResolution(maps: tf.Tensor3D[]): tf.Tensor3D[] {
  const groups = new Map<string, tf.Tensor3D[]>();
  for (const m of maps) {
    const key = `${m.shape[1]}x${m.shape[2]}`;
    groups.set(key, [...(groups.get(key) ?? []), m]);
  }
  return [...groups.values()].map((g) => (g.length === 1 ? g[0] : (tf.addN(g) as tf.Tensor3D)));
}

function resize(map: tf.Tensor3D, size: [number, number]): tf.Tensor3D {
  if (map.shape[1] === size[0] && map.shape[2] === size[1]) return map;
  return tf.image
    .resizeBilinear(map.expandDims(3) as tf.Tensor4D, size, false, true)
    .squeeze([3]) as tf.Tensor3D;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
