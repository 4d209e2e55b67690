// ResNet-18 in tfjs-layers with torchvision's layer order, sizes and names (NHWC instead of NCHW), so that
// summary(), feature maps and CAMs line up with the PyTorch tutorial. Layer names are torchvision's module paths
// ("layer2.0.downsample.0"), which keeps them deterministic across instances and readable in tables.
import { tf } from "../backend";
import { checkClasses, checkInputShape, kernelInit, type ImageModelOptions } from "./options";

type SymbolicTensor = ReturnType<typeof tf.input>;
type Init = "heNormal" | "zeros";

/** The whole network; a class of its own so that summaries say "ResNet", as torchinfo does. */
export class ResNet extends tf.LayersModel {
  static override className = "ResNet";
}

/** One residual block of two 3×3 convolutions (torchvision's BasicBlock). */
export class BasicBlock extends tf.LayersModel {
  static override className = "BasicBlock";
}

// Registered so that tf.loadLayersModel can rebuild a saved ResNet.
tf.serialization.registerClass(ResNet);
tf.serialization.registerClass(BasicBlock);

// torchvision's BatchNorm2d defaults: eps 1e-5 and momentum 0.1 (tfjs counts momentum the other way round).
function batchNorm(name: string) {
  return tf.layers.batchNormalization({ name, epsilon: 1e-5, momentum: 0.9 });
}

interface ConvSpec {
  filters: number;
  kernelSize: number;
  strides: number;
  init: Init;
  inputShape?: number[];
}

function conv(name: string, { filters, kernelSize, strides, init, inputShape }: ConvSpec) {
  return tf.layers.conv2d({
    name,
    inputShape,
    filters,
    kernelSize,
    strides,
    // 'same' gives torchvision's output sizes (padding k//2) without a separate ZeroPadding2D row.
    padding: kernelSize === 1 ? "valid" : "same",
    useBias: false,
    kernelInitializer: init,
  });
}

function apply(layer: tf.layers.Layer, input: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
  return layer.apply(input) as SymbolicTensor;
}

function basicBlock(
  name: string,
  inShape: number[],
  filters: number,
  strides: number,
  init: Init,
): BasicBlock {
  const input = tf.input({ shape: inShape, name: `${name}.input` });
  let x = apply(conv(`${name}.conv1`, { filters, kernelSize: 3, strides, init }), input);
  x = apply(batchNorm(`${name}.bn1`), x);
  x = apply(tf.layers.reLU({ name: `${name}.relu1` }), x);
  x = apply(conv(`${name}.conv2`, { filters, kernelSize: 3, strides: 1, init }), x);
  x = apply(batchNorm(`${name}.bn2`), x);
  let identity = input;
  if (strides !== 1 || inShape[2] !== filters) {
    const downsample = tf.sequential({
      name: `${name}.downsample`,
      layers: [
        conv(`${name}.downsample.0`, { filters, kernelSize: 1, strides, init, inputShape: inShape }),
        batchNorm(`${name}.downsample.1`),
      ],
    });
    identity = apply(downsample, input);
  }
  // torchvision adds the identity in forward() (no module); tfjs needs an Add layer for it.
  x = apply(tf.layers.add({ name: `${name}.add` }), [x, identity]);
  x = apply(tf.layers.reLU({ name: `${name}.relu2` }), x);
  return new BasicBlock({ inputs: input, outputs: x, name });
}

function stage(
  name: string,
  input: SymbolicTensor,
  filters: number,
  strides: number,
  init: Init,
): SymbolicTensor {
  const inShape = input.shape.slice(1) as number[];
  const first = basicBlock(`${name}.0`, inShape, filters, strides, init);
  const outShape = first.outputs[0].shape.slice(1) as number[];
  const second = basicBlock(`${name}.1`, outShape, filters, 1, init);
  return apply(tf.sequential({ name, layers: [first, second] }), input);
}

/**
 * ResNet-18 (He et al. 2015) as in torchvision: 11,689,512 trainable parameters at 1000 classes, plus 9,600
 * BatchNormalization moving statistics that TensorFlow counts as non-trainable. Weights are freshly initialised:
 * no pretrained weights can be downloaded here; load your own with tf.loadLayersModel("file://…").
 */
export function resnet18(options: ImageModelOptions = {}): ResNet {
  const [h, w, c] = checkInputShape("resnet18", options.inputShape ?? [224, 224, 3], 32);
  const classes = checkClasses("resnet18", options.classes ?? 1000);
  const init = kernelInit("resnet18", options.init, "heNormal");
  const input = tf.input({ shape: [h, w, c], name: "input" });
  let x = apply(conv("conv1", { filters: 64, kernelSize: 7, strides: 2, init }), input);
  x = apply(batchNorm("bn1"), x);
  x = apply(tf.layers.reLU({ name: "relu" }), x);
  x = apply(tf.layers.maxPooling2d({ name: "maxpool", poolSize: 3, strides: 2, padding: "same" }), x);
  x = stage("layer1", x, 64, 1, init);
  x = stage("layer2", x, 128, 2, init);
  x = stage("layer3", x, 256, 2, init);
  x = stage("layer4", x, 512, 2, init);
  x = apply(tf.layers.globalAveragePooling2d({ name: "avgpool" }), x);
  x = apply(tf.layers.dense({ name: "fc", units: classes }), x);
  return new ResNet({ inputs: input, outputs: x, name: "resnet18" });
}
