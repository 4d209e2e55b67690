// Guided Grad-CAM (Selvaraju et al.) in one call: guided backpropagation's gradients times the Grad-CAM heatmap
// (at the input's size, broadcast over channels), as pytorch-grad-cam's example combines them.
import { tf } from "../../backend";
import type { AnyModel } from "../../model";
import { guidedBackprop } from "../saliency";
import { SaliencyResult } from "../saliency-result";
import { batchInput } from "../model-input";
import type { BaseCamConstructor } from "./meta-methods";
import { GradCAM } from "./gradient-methods";
import type { CamOptions } from "./base";
import type { CamTargets } from "./targets";

export interface GuidedGradCamOptions extends CamOptions {
  /** What to explain (default: each sample's top class). */
  targets?: CamTargets;
  /** The CAM whose heatmap gates the gradients (default GradCAM). */
  method?: BaseCamConstructor;
}

export function guidedGradCam(
  model: AnyModel,
  input: tf.Tensor,
  options: GuidedGradCamOptions,
): SaliencyResult {
  const { x, batched } = batchInput(model, input);
  try {
    const Method = options.method ?? GradCAM;
    const { targetLayer, reshapeTransform, output } = options;
    const camOptions: CamOptions = { targetLayer };
    if (reshapeTransform) camOptions.reshapeTransform = reshapeTransform;
    if (output !== undefined) camOptions.output = output;
    const cam = new Method(model, camOptions).compute(x, {
      targets: options.targets,
    });
    const guided = guidedBackprop(model, x, { targets: cam.classes ?? options.targets, output });
    try {
      const attributions = tf.tidy(
        () => tf.mul(guided.attributions, tf.expandDims(cam.heatmap, 3)) as tf.Tensor4D,
      );
      return new SaliencyResult({
        method: `Guided ${cam.method}`,
        input: x as tf.Tensor4D,
        attributions,
        classes: cam.classes,
        scores: cam.scores,
      });
    } finally {
      cam.dispose();
      guided.dispose();
    }
  } finally {
    if (batched) x.dispose();
  }
}
