// pytorch-grad-cam's aug_smooth (ttach's HorizontalFlip × Multiply(0.9, 1, 1.1)) on a CAM's image input: the maps
// of the six augmented batches, un-flipped and averaged.
import { tf } from "../../backend";
import type { Explanation, TargetChooser } from "./context";
import { augmentations } from "./smoothing";

/** Explains one batch of inputs with the given target chooser (BaseCAM.explain). */
export type ExplainBatch = (inputs: tf.Tensor[], choose: TargetChooser) => Explanation;

/**
 * The mean explanation over the augmented batches. Targets are chosen once, on the unaugmented batch, and the
 * augmented batches explain those same targets.
 */
export function explainAugmented(
  inputs: tf.Tensor[],
  imageInput: number,
  choose: TargetChooser,
  explain: ExplainBatch,
): Explanation {
  const plain = explain(inputs, choose);
  const x = inputs[imageInput];
  let heatmaps: tf.Tensor3D[] = [plain.heatmap];
  let raws: tf.Tensor3D[] = [plain.raw];
  try {
    for (const { flip, factor } of augmentations()) {
      if (!flip && factor === 1) continue;
      const augmented = tf.tidy(() => tf.mul(flip ? tf.reverse(x, 2) : x, factor) as tf.Tensor4D);
      const augmentedInputs = inputs.map((t, i) => (i === imageInput ? augmented : t));
      let e: Explanation;
      try {
        e = explain(augmentedInputs, () => plain.targets);
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
    return {
      heatmap: mean(heatmaps),
      raw: mean(raws),
      classes: plain.classes,
      scores: plain.scores,
      targets: plain.targets,
    };
  } finally {
    tf.dispose([...heatmaps, ...raws]);
  }
}
