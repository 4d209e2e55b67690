// Small CNNs that train in seconds on MNIST (28×28×1) or on 64×64×3 synthetic images, for tests and notebooks.
// Layer names are fixed ("conv1", "relu1", "pool1", …, "dense") so that other code can find layers by name.
import { tf } from "../backend";
import { checkClasses, checkInputShape, type ImageModelOptions } from "./options";

export interface SmallCnnOptions extends ImageModelOptions {
  /** Filters of each conv → relu → pool stage; default [16, 32]. */
  filters?: number[];
  /**
   * "flatten" (default): flatten → dense. "gap": global average pooling → dense, the architecture the original
   * class activation map (CAM) needs.
   */
  head?: "flatten" | "gap";
  /** Activation of the last layer: "softmax" (default) or "linear" for logits. */
  outputActivation?: "softmax" | "linear";
}

function checkFilters(filters: number[]): number[] {
  if (
    !Array.isArray(filters) ||
    filters.length === 0 ||
    !filters.every((f) => Number.isInteger(f) && f > 0)
  ) {
    throw new Error(
      `models.smallCnn: filters must be a non-empty list of positive integers, got ${JSON.stringify(filters)}`,
    );
  }
  return filters;
}

/**
 * conv1 → relu1 → pool1 → conv2 → relu2 → pool2 → … → flatten (or gap) → dense. Convolutions are 3×3 'same',
 * poolings 2×2. Defaults: inputShape [28, 28, 1], classes 10, filters [16, 32].
 */
export function smallCnn(options: SmallCnnOptions = {}): tf.Sequential {
  const filters = checkFilters(options.filters ?? [16, 32]);
  const minSide = 2 ** filters.length;
  const inputShape = checkInputShape("smallCnn", options.inputShape ?? [28, 28, 1], minSide);
  const classes = checkClasses("smallCnn", options.classes ?? 10);
  const head = options.head ?? "flatten";
  if (head !== "flatten" && head !== "gap") {
    throw new Error(`models.smallCnn: head must be "flatten" or "gap", got ${JSON.stringify(head)}`);
  }
  const model = tf.sequential({ name: "small_cnn" });
  filters.forEach((count, i) => {
    const n = i + 1;
    const first = i === 0 ? { inputShape } : {};
    model.add(
      tf.layers.conv2d({ name: `conv${n}`, ...first, filters: count, kernelSize: 3, padding: "same" }),
    );
    model.add(tf.layers.reLU({ name: `relu${n}` }));
    model.add(tf.layers.maxPooling2d({ name: `pool${n}`, poolSize: 2, strides: 2 }));
  });
  model.add(
    head === "gap"
      ? tf.layers.globalAveragePooling2d({ name: "gap" })
      : tf.layers.flatten({ name: "flatten" }),
  );
  model.add(
    tf.layers.dense({ name: "dense", units: classes, activation: options.outputActivation ?? "softmax" }),
  );
  return model;
}

/**
 * A small residual network with BatchNormalization and a GAP head: stem conv → two residual blocks (the second
 * downsamples, with a 1×1 projection) → gap → dense. Small enough to train on 64×64×3 synthetic images, with the
 * branches, merges and BN layers that CAM and summary code must handle.
 */
export function smallResnet(
  options: ImageModelOptions & { outputActivation?: "softmax" | "linear" } = {},
): tf.LayersModel {
  const inputShape = checkInputShape("smallResnet", options.inputShape ?? [64, 64, 3], 8);
  const classes = checkClasses("smallResnet", options.classes ?? 10);
  type Sym = ReturnType<typeof tf.input>;
  const input = tf.input({ shape: inputShape, name: "input" });
  const call = (layer: tf.layers.Layer, x: Sym | Sym[]) => layer.apply(x) as Sym;
  const convBnRelu = (name: string, x: Sym, filters: number, strides: number, relu = true) => {
    x = call(
      tf.layers.conv2d({
        name: `${name}_conv`,
        filters,
        kernelSize: 3,
        strides,
        padding: "same",
        useBias: false,
      }),
      x,
    );
    x = call(tf.layers.batchNormalization({ name: `${name}_bn` }), x);
    return relu ? call(tf.layers.reLU({ name: `${name}_relu` }), x) : x;
  };
  let x = convBnRelu("stem", input, 16, 1);
  const block = (name: string, x: Sym, filters: number, strides: number) => {
    let y = convBnRelu(`${name}a`, x, filters, strides);
    y = convBnRelu(`${name}b`, y, filters, 1, false);
    const shortcut =
      strides === 1
        ? x
        : call(tf.layers.conv2d({ name: `${name}_proj`, filters, kernelSize: 1, strides }), x);
    return call(
      tf.layers.reLU({ name: `${name}_out` }),
      call(tf.layers.add({ name: `${name}_add` }), [y, shortcut]),
    );
  };
  x = block("block1", x, 16, 1);
  x = block("block2", x, 32, 2);
  x = call(tf.layers.globalAveragePooling2d({ name: "gap" }), x);
  x = call(
    tf.layers.dense({ name: "dense", units: classes, activation: options.outputActivation ?? "softmax" }),
    x,
  );
  return tf.model({ inputs: input, outputs: x, name: "small_resnet" });
}
