// Tiny models with every topology the graph walker must handle: a chain, a skip connection, a nested model used
// as a layer, and a layer shared by two calls. Weights come from a seeded generator so results are reproducible.
import { tf } from "../../src/index";
import { layerPaths } from "../../src/vision/layer-paths";

export type Activation = "relu" | "tanh";

/** Overwrites every weight (moving variances stay positive) with seeded uniform values. */
export function seedWeights(model: tf.LayersModel, seed: number): void {
  const values = model.weights.map((w, i) =>
    w.name.includes("moving_variance")
      ? tf.randomUniform(w.shape as number[], 0.5, 1.5, "float32", seed + i)
      : tf.randomUniform(w.shape as number[], -0.5, 0.5, "float32", seed + i),
  );
  model.setWeights(values);
  tf.dispose(values);
}

export function sequentialModel(act: Activation = "relu"): tf.Sequential {
  const model = tf.sequential({ name: "seq" });
  model.add(
    tf.layers.conv2d({
      inputShape: [8, 8, 3],
      filters: 4,
      kernelSize: 3,
      padding: "same",
      activation: act,
      name: "c1",
    }),
  );
  model.add(tf.layers.conv2d({ filters: 6, kernelSize: 3, name: "c2" })); // linear: the fused-gradient case
  model.add(tf.layers.batchNormalization({ name: "bn" }));
  model.add(tf.layers.activation({ activation: act, name: "act" }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }));
  model.add(tf.layers.flatten({ name: "flat" }));
  model.add(tf.layers.dense({ units: 3, name: "logits" }));
  seedWeights(model, 1);
  return model;
}

/** stem → (conv a → act → conv b) + stem → act → GAP → dense: a ResNet basic block. */
export function residualModel(act: Activation = "relu"): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: "img" });
  const stem = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", name: "stem" })
    .apply(input) as tf.SymbolicTensor;
  let branch = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", name: "conv_a" })
    .apply(stem) as tf.SymbolicTensor;
  branch = tf.layers.activation({ activation: act, name: "act_a" }).apply(branch) as tf.SymbolicTensor;
  branch = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", name: "conv_b" })
    .apply(branch) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "add" }).apply([branch, stem]) as tf.SymbolicTensor;
  const out = tf.layers.activation({ activation: act, name: "block_out" }).apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(out) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: "fc" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: "resnetish" });
  seedWeights(model, 2);
  return model;
}

/** A functional block model (with its own skip) used as one layer of an outer model. */
export function nestedModel(act: Activation = "relu"): tf.LayersModel {
  const innerIn = tf.input({ shape: [8, 8, 4], name: "inner_in" });
  const a = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: act, name: "inner_conv" })
    .apply(innerIn) as tf.SymbolicTensor;
  const innerOut = tf.layers.add({ name: "inner_add" }).apply([a, innerIn]) as tf.SymbolicTensor;
  const block = tf.model({ inputs: innerIn, outputs: innerOut, name: "block" });

  const input = tf.input({ shape: [8, 8, 3], name: "img" });
  const stem = tf.layers
    .conv2d({ filters: 4, kernelSize: 1, activation: act, name: "stem" })
    .apply(input) as tf.SymbolicTensor;
  const blocked = block.apply(stem) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(blocked) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: "fc" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: "nested" });
  seedWeights(model, 3);
  return model;
}

/** One conv layer applied twice in a row (two nodes on the same layer). */
export function sharedLayerModel(act: Activation = "relu"): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3], name: "img" });
  const stem = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, padding: "same", activation: act, name: "stem" })
    .apply(input) as tf.SymbolicTensor;
  const shared = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    activation: act,
    name: "shared",
  });
  const twice = shared.apply(shared.apply(stem)) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(twice) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 3, name: "fc" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits, name: "shared_model" });
  seedWeights(model, 4);
  return model;
}

export const ALL_MODELS = { sequentialModel, residualModel, nestedModel, sharedLayerModel };

export function seededInput(batch: number, seed = 7): tf.Tensor4D {
  return tf.randomUniform([batch, 8, 8, 3], 0, 1, "float32", seed) as tf.Tensor4D;
}

/** What must not change when the walker runs: weights and each layer's node count. */
export function modelFingerprint(model: tf.LayersModel): string {
  const nodes = layerPaths(model).map((e) => `${e.path}:${e.layer.inboundNodes.length}`);
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()).join(","));
  return JSON.stringify({ nodes, weights });
}
