// Gradient CAMs: each states only how it weights the target layer's activations A with the gradients g = dy/dA
// (formulas as in pytorch-grad-cam; sums over spatial positions i,j unless stated; k = channel).
import { tf } from "../../backend";
import { BaseCAM, ChannelWeightCAM, reduceChannels, type CamContext } from "./base";

/** The gradients dy/dA of a method that asked for them (`usesGradients`). */
export function gradientsOf(context: CamContext): tf.Tensor4D {
  if (!context.gradients) throw new Error("internal: a gradient method ran without gradients");
  return context.gradients;
}

/** Grad-CAM (Selvaraju et al.): w_k = mean_ij g_kij. */
export class GradCAM extends ChannelWeightCAM {
  protected readonly usesGradients = true;
  protected channelWeights(context: CamContext): tf.Tensor2D {
    return tf.mean(gradientsOf(context), [1, 2]) as tf.Tensor2D;
  }
}

/**
 * Grad-CAM++ (arXiv 1710.11063, eq. 19): α_kij = g² / (2g² + (Σ_ab A_kab)·g³ + 1e-6), α = 0 where g = 0;
 * w_k = Σ_ij ReLU(g_kij)·α_kij.
 */
export class GradCAMPlusPlus extends ChannelWeightCAM {
  protected readonly usesGradients = true;
  protected channelWeights(context: CamContext): tf.Tensor2D {
    const g = gradientsOf(context);
    const g2 = tf.square(g);
    const g3 = tf.mul(g2, g);
    const sumA = tf.sum(context.activations, [1, 2], true);
    const alpha = tf.div(g2, tf.add(tf.add(tf.mul(g2, 2), tf.mul(sumA, g3)), 1e-6));
    const kept = tf.where(tf.notEqual(g, 0), alpha, tf.zerosLike(alpha));
    return tf.sum(tf.mul(tf.relu(g), kept), [1, 2]) as tf.Tensor2D;
  }
}

/** XGrad-CAM (Fu et al.): w_k = Σ_ij g_kij·A_kij / (Σ_ij A_kij + 1e-7). */
export class XGradCAM extends ChannelWeightCAM {
  protected readonly usesGradients = true;
  protected channelWeights(context: CamContext): tf.Tensor2D {
    const A = context.activations;
    const num = tf.sum(tf.mul(gradientsOf(context), A), [1, 2]);
    return tf.div(num, tf.add(tf.sum(A, [1, 2]), 1e-7)) as tf.Tensor2D;
  }
}

/** HiResCAM (Draelos & Carin): L = Σ_k g_k ⊙ A_k, element-wise, no spatial averaging of g. */
export class HiResCAM extends BaseCAM {
  protected readonly usesGradients = true;
  protected layerMap(context: CamContext): tf.Tensor3D {
    return reduceChannels(
      tf.mul(gradientsOf(context), context.activations) as tf.Tensor4D,
      context.eigenSmooth,
    );
  }
}

/** LayerCAM (Jiang et al.): L = Σ_k ReLU(g_k) ⊙ A_k. */
export class LayerCAM extends BaseCAM {
  protected readonly usesGradients = true;
  protected layerMap(context: CamContext): tf.Tensor3D {
    return reduceChannels(
      tf.mul(tf.relu(gradientsOf(context)), context.activations) as tf.Tensor4D,
      context.eigenSmooth,
    );
  }
}
