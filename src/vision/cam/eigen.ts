// Eigen-CAMs: the map is the projection of the (centred) activations — or gradient × activations — on their
// first principal component, per image: M = A as (h·w × C), centred per channel; L = M·v₁ with v₁ the first
// right-singular vector (pytorch-grad-cam's get_2d_projection). SVD by ml-matrix, on the host.
import { tf } from "../../backend";
import { BaseCAM, type CamContext } from "./base";
import { firstComponentProjection } from "./projection";

export { firstComponentProjection };

/** Eigen-CAM (Muhammad & Yeasin): first principal component of A; needs no gradients and no target. */
export class EigenCAM extends BaseCAM {
  protected readonly usesGradients = false;
  protected layerMap(context: CamContext): tf.Tensor3D {
    return firstComponentProjection(context.activations);
  }
}

/** Eigen-Grad-CAM: first principal component of g ⊙ A (class-discriminative). */
export class EigenGradCAM extends BaseCAM {
  protected readonly usesGradients = true;
  protected layerMap(context: CamContext): tf.Tensor3D {
    if (!context.gradients) throw new Error("internal: EigenGradCAM ran without gradients");
    const product = tf.mul(context.gradients, context.activations) as tf.Tensor4D;
    return firstComponentProjection(product);
  }
}
