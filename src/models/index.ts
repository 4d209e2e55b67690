// The model zoo: torchvision architectures and small CNNs, built in tfjs-layers with fresh weights.
import { resnet18 } from "./resnet";
import { vgg11 } from "./vgg";
import { smallCnn, smallResnet } from "./small";
import { freeze } from "./freeze";

export type { ImageModelOptions } from "./options";
export type { SmallCnnOptions } from "./small";
export { ResNet, BasicBlock } from "./resnet";
export { VGG } from "./vgg";

export const models = { resnet18, vgg11, smallCnn, smallResnet, freeze };
