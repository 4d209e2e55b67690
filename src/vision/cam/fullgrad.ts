// FullGrad (Srinivas & Fleuret 2019, arXiv 1905.00780) as pytorch-grad-cam computes it: |x ⊙ ∂y/∂x| plus, for every
// bias node (a convolution with a bias, a batch normalisation, whose bias is β − μ·γ/√(σ²+ε)), |b ⊙ ∂y/∂z| with z
// the node's output before its activation; each channel min-max scaled and resized to the input, summed,
// min-maxed. All the gradients come from ONE forward and ONE backward pass: the model interface puts a gradient
// probe at each bias node (RunOptions.probes), so LayersModels and GraphModels (fused convs) alike; a LayersModel's
// probed run folds its batch norms into the convolutions before them (model/folded-convs.ts).
import { tf } from "../../backend";
import { inspectModel, type AnyModel, type BiasNode, type GradientProbe } from "../../model";
import { explainGradientFailure } from "../../model/gradient-errors";
import { runScored } from "../../model/score-source";
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

export interface FullGradOptions extends Partial<CamOptions> {
  /** Ignored, as in pytorch-grad-cam: FullGrad uses every bias node. */
  targetLayer?: CamOptions["targetLayer"];
}

/** ∂y/∂x, ∂y/∂z at each bias node (null where y does not depend on it), the scored output and its targets. */
interface ProbedPass {
  inputGradient: tf.Tensor4D;
  gradients: (tf.Tensor4D | null)[];
  output: tf.Tensor;
  targets: ResolvedTargets;
}

/** FullGrad on any model with bias nodes (Conv2D with a bias, BatchNormalization; fused convs of a graph). */
export class FullGrad extends BaseCAM {
  protected readonly usesGradients = true;
  /** The bias nodes, parallel to `layers`. */
  private readonly biasNodes: BiasNode[];

  constructor(model: AnyModel, options: FullGradOptions = {}) {
    const inspected = inspectModel(model, "FullGrad");
    const biasNodes = inspected.biasNodes();
    if (biasNodes.length === 0) {
      throw new Error(
        `FullGrad needs convolutions with a bias or batch normalisations; "${inspected.name}" has none`,
      );
    }
    super(inspected, { ...options, targetLayer: biasNodes.map((b) => b.node.address) });
    this.biasNodes = biasNodes;
  }

  /** One bias layer's term [B,h,w]: Σ_k minmax(|b_k ⊙ ∂y/∂z_k|), before the resize (resize is linear). */
  protected layerMap(context: CamContext): tf.Tensor3D {
    if (!context.gradients) throw new Error("internal: FullGrad ran without gradients");
    const bias = this.biasNodes[this.layers.indexOf(context.layer)].bias();
    try {
      return scaledBiasTerm(context.gradients, bias);
    } finally {
      bias.dispose();
    }
  }

  protected override explain(inputs: tf.Tensor[], choose: TargetChooser, eigenSmooth: boolean): Explanation {
    const x = inputs[this.imageInput] as tf.Tensor4D;
    const pass = this.gradientsAtProbes(inputs, choose);
    const size: [number, number] = [x.shape[1], x.shape[2]];
    try {
      const raw = tf.tidy(() => {
        const inputTerm = sumOfScaledChannels(tf.abs(tf.mul(x, pass.inputGradient)) as tf.Tensor4D);
        // a bias node the score does not depend on has a zero gradient, hence a zero term
        const perLayer = this.layers.flatMap((layer, i) => {
          const gradients = pass.gradients[i];
          if (!gradients) return [];
          const context = { input: x, inputs, rawActivations: gradients, activations: gradients, gradients };
          return [
            this.layerMap({ ...context, output: pass.output, targets: pass.targets, layer, eigenSmooth }),
          ];
        });
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
      tf.dispose([pass.inputGradient, pass.output, ...pass.gradients.filter((g) => g !== null)]);
    }
  }

  /** ∂y/∂x and ∂y/∂z at every bias node, from one forward and one backward pass. */
  private gradientsAtProbes(inputs: tf.Tensor[], choose: TargetChooser): ProbedPass {
    const x = inputs[this.imageInput];
    const received: (tf.Tensor4D | null)[] = this.layers.map(() => null);
    const probes: GradientProbe[] = this.layers.map((node, i) => ({
      node,
      receive: (gradient) => {
        received[i]?.dispose();
        received[i] = gradient as tf.Tensor4D;
      },
    }));
    let output: tf.Tensor | undefined;
    let resolved: ResolvedTargets | undefined;
    let failure: unknown;
    // the image input is differentiated; any other input is held constant
    const differentiate = tf.grad((input: tf.Tensor) => {
      // an exception inside tf.grad would strand the tensors its tape saved, so failures are carried out of it
      try {
        const fed = inputs.map((t, i) => (i === this.imageInput ? input : t));
        const { scored } = runScored(this.model, fed, this.scoreSource, { probes });
        output = tf.keep(scored);
        resolved = choose(output);
        return tf.sum(resolved.score(output, range(x.shape[0])));
      } catch (error) {
        failure = error;
        return tf.sum(tf.mul(input, 0));
      }
    });
    let inputGradient: tf.Tensor4D | undefined;
    try {
      inputGradient = differentiate(x) as tf.Tensor4D;
    } catch (error) {
      failure ??= explainGradientFailure(this.model, error, this.name);
    }
    if (failure !== undefined || !inputGradient) {
      tf.dispose([...(output ? [output] : []), ...(inputGradient ? [inputGradient] : [])]);
      tf.dispose(received.filter((g): g is tf.Tensor4D => g !== null));
      throw failure;
    }
    return {
      inputGradient,
      gradients: received,
      output: output as tf.Tensor,
      targets: resolved as ResolvedTargets,
    };
  }
}

/** Σ_k of each (image, channel) map min-max scaled (pytorch-grad-cam's scale_accross_batch_and_channels). */
function sumOfScaledChannels(values: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const shifted = tf.sub(values, tf.min(values, [1, 2], true));
    return tf.sum(tf.div(shifted, tf.add(tf.max(shifted, [1, 2], true), 1e-7)), 3) as tf.Tensor3D;
  });
}

/**
 * Σ_k minmax(|b_k·g_k|) without materialising b·g: |b_k·g| = |b_k|·|g| and min-max is per (image, channel), so
 * with m, M the min and max of |g_k| it is Σ_k (|g_k| − m_k)·s_k, s_k = |b_k| / (|b_k|·(M_k − m_k) + 1e-7):
 * one product of |g| [B, h·w, C] with s [B, C, 1], minus Σ_k m_k·s_k. Four passes over g instead of eight.
 */
function scaledBiasTerm(gradients: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, height, width, channels] = gradients.shape;
    const magnitude = tf.abs(gradients);
    const low = tf.min(magnitude, [1, 2]) as tf.Tensor2D;
    const high = tf.max(magnitude, [1, 2]) as tf.Tensor2D;
    const b = tf.abs(bias);
    const scale = tf.div(b, tf.add(tf.mul(b, tf.sub(high, low)), 1e-7)) as tf.Tensor2D;
    const weighted = tf.matMul(
      tf.reshape(magnitude, [batch, height * width, channels]) as tf.Tensor3D,
      tf.reshape(scale, [batch, channels, 1]) as tf.Tensor3D,
    );
    const offset = tf.sum(tf.mul(low, scale), 1).reshape([batch, 1, 1]);
    return tf.sub(tf.reshape(weighted, [batch, height, width]), offset) as tf.Tensor3D;
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
