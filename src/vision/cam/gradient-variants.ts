// More gradient CAMs from pytorch-grad-cam: the element-wise Grad-CAM, Shapley-CAM (gradient minus half the
// Hessian-vector product) and Seg-Eigen-CAM (principal component of |g| ⊙ A with a sign correction).
import { tf } from "../../backend";
import { BaseCAM, ChannelWeightCAM, reduceChannels, type CamContext } from "./base";
import { firstComponentProjection } from "./projection";
import { gradientsOf } from "./gradient-methods";

/** Grad-CAM element-wise (pytorch-grad-cam): L = Σ_k ReLU(g_k ⊙ A_k). */
export class GradCAMElementWise extends BaseCAM {
  protected readonly usesGradients = true;
  protected layerMap(context: CamContext): tf.Tensor3D {
    const product = tf.relu(tf.mul(gradientsOf(context), context.activations)) as tf.Tensor4D;
    return reduceChannels(product, context.eigenSmooth);
  }
}

/**
 * Shapley-CAM (Cai et al. 2025, arXiv 2501.06261): w_k = mean_ij (g − ½·H·A)_kij, H the Hessian of the target
 * score with respect to A, so H·A is the derivative of the gradient along A. tfjs cannot differentiate its
 * gradient kernels a second time (their saved outputs are detached), so H·A is taken from gradients at
 * A·(1 ± ε) and A·(1 ± ε/2), Richardson-extrapolated (error O(ε⁴)), all four in one batched backward pass.
 * For a network that is piecewise linear after the layer H·A = 0 and this is Grad-CAM.
 */
export class ShapleyCAM extends ChannelWeightCAM {
  protected readonly usesGradients = true;
  protected channelWeights(context: CamContext): tf.Tensor2D {
    const hvp = this.hessianAlong(context);
    return tf.mean(tf.sub(gradientsOf(context), tf.mul(hvp, 0.5)), [1, 2]) as tf.Tensor2D;
  }

  private hessianAlong(context: CamContext): tf.Tensor4D {
    const { input, inputs, targets, rawActivations } = context;
    const batch = input.shape[0];
    const eps = 1e-3;
    const steps = [eps, -eps, eps / 2, -eps / 2];
    const samples = steps.flatMap(() => Array.from({ length: batch }, (_, i) => i));
    // fed at the layer as the model computes it (before any reshapeTransform); gradients reshaped after
    const points = tf.concat(steps.map((s) => tf.mul(rawActivations, 1 + s)));
    const repeated = inputs.map((t) => tf.concat(steps.map(() => t)));
    const grads = tf.grad((a: tf.Tensor) => tf.sum(this.scoreWithActivations(repeated, a, samples, targets)))(
      points,
    );
    const [gPlus, gMinus, gHalfPlus, gHalfMinus] = tf.split(grads, 4);
    const wide = tf.div(tf.sub(gPlus, gMinus), 2 * eps);
    const narrow = tf.div(tf.sub(gHalfPlus, gHalfMinus), eps);
    const hvp = tf.div(tf.sub(tf.mul(narrow, 4), wide), 3);
    return (this.reshapeTransform ? this.reshapeTransform(hvp) : hvp) as tf.Tensor4D;
  }
}

/**
 * Seg-Eigen-CAM (Chung & Ying 2025): first principal component of |g| ⊙ A, flipped when its most negative value
 * outweighs its most positive (the paper's sign correction, eq. 13).
 */
export class SegEigenCAM extends BaseCAM {
  protected readonly usesGradients = true;
  protected layerMap(context: CamContext): tf.Tensor3D {
    const weighted = tf.mul(tf.abs(gradientsOf(context)), context.activations) as tf.Tensor4D;
    return signCorrected(firstComponentProjection(weighted));
  }
}

/** Per image: −map when |min| > |max|. */
export function signCorrected(maps: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const low = tf.abs(tf.min(maps, [1, 2], true));
    const high = tf.abs(tf.max(maps, [1, 2], true));
    return tf.mul(
      maps,
      tf.where(tf.greater(low, high), tf.fill(low.shape, -1), tf.onesLike(low)),
    ) as tf.Tensor3D;
  });
}
