// VGG-11 (configuration "A") in tfjs-layers with torchvision's layer order and sizes in NHWC. Layer names follow
// torchvision's module paths ("features.3", "classifier.0").
import { tf } from "../backend";
import { checkClasses, checkInputShape, kernelInit, type ImageModelOptions } from "./options";

/** A class of its own so that summaries say "VGG", as torchinfo does. */
export class VGG extends tf.LayersModel {
  static override className = "VGG";
}
tf.serialization.registerClass(VGG);

type Init = "glorotUniform" | "zeros";

// Output channels of each 3×3 convolution; "M" is a 2×2 max pooling.
const VGG11_FEATURES: (number | "M")[] = [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"];

function features(inputShape: number[], kernelInitializer: Init): tf.Sequential {
  const layers: tf.layers.Layer[] = [];
  for (const item of VGG11_FEATURES) {
    const name = `features.${layers.length}`;
    const first = layers.length === 0 ? { inputShape } : {};
    if (item === "M") {
      layers.push(tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2 }));
      continue;
    }
    layers.push(
      tf.layers.conv2d({ name, ...first, filters: item, kernelSize: 3, padding: "same", kernelInitializer }),
    );
    layers.push(tf.layers.reLU({ name: `features.${layers.length}` }));
  }
  return tf.sequential({ name: "features", layers });
}

function classifier(inputUnits: number, classes: number, kernelInitializer: Init): tf.Sequential {
  const dense = (index: number, units: number, inputShape?: number[]) =>
    tf.layers.dense({ name: `classifier.${index}`, units, inputShape, kernelInitializer });
  return tf.sequential({
    name: "classifier",
    layers: [
      dense(0, 4096, [inputUnits]),
      tf.layers.reLU({ name: "classifier.1" }),
      tf.layers.dropout({ name: "classifier.2", rate: 0.5 }),
      dense(3, 4096),
      tf.layers.reLU({ name: "classifier.4" }),
      tf.layers.dropout({ name: "classifier.5", rate: 0.5 }),
      dense(6, classes),
    ],
  });
}

/**
 * VGG-11 as in torchvision: 132,863,336 trainable parameters at 224×224×3 and 1000 classes. torchvision's
 * AdaptiveAvgPool2d((7, 7)) is the identity at 224×224; tfjs has no adaptive pooling, so other input sizes change
 * the first classifier layer's size (h/32 · w/32 · 512 inputs) instead. The flatten order is NHWC, so torchvision
 * weights would need their classifier.0 rows permuted. Freshly initialised: no pretrained weights here.
 */
export function vgg11(options: ImageModelOptions = {}): VGG {
  const inputShape = checkInputShape("vgg11", options.inputShape ?? [224, 224, 3], 32);
  const classes = checkClasses("vgg11", options.classes ?? 1000);
  const input = tf.input({ shape: inputShape, name: "input" });
  const init = kernelInit("vgg11", options.init, "glorotUniform");
  const featureStack = features(inputShape, init);
  let x = featureStack.apply(input) as ReturnType<typeof tf.input>;
  x = tf.layers.flatten({ name: "flatten" }).apply(x) as ReturnType<typeof tf.input>;
  const units = x.shape[1] as number;
  x = classifier(units, classes, init).apply(x) as ReturnType<typeof tf.input>;
  return new VGG({ inputs: input, outputs: x, name: "vgg11" });
}
