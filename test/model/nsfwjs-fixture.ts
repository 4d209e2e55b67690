// The pretrained models bundled in the nsfwjs dev dependency, unpacked once into .cache/nsfwjs/ by
// scripts/nsfwjs-fixtures.mjs: a Keras MobileNetV2 (LayersModel) and a converted MobileNetV2 GraphModel with
// uint8-quantized weights and fused conv nodes. Their classes are NSFW categories: used only as real-model fixtures.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { loadModel } from "../../src/model/load";
import "../../src/index"; // selects the backend
import type { tf } from "../../src/index";

const root = resolve(__dirname, "..", "..");

function fixtureDir(): string {
  const out = execFileSync(process.execPath, [join(root, "scripts", "nsfwjs-fixtures.mjs")], {
    encoding: "utf8",
  });
  return out.trim();
}

export type NsfwjsModel = "mobilenet_v2" | "mobilenet_v2_mid" | "inception_v3";

export async function loadNsfwjs(name: NsfwjsModel): Promise<tf.LayersModel | tf.GraphModel> {
  return loadModel(join(fixtureDir(), name, "model.json"));
}

/** Node names of the converted MobileNetV2 GraphModel. */
export const MOBILENET_SCOPE =
  "StatefulPartitionedCall/sequential/keras_layer/StatefulPartitionedCall/StatefulPartitionedCall/StatefulPartitionedCall/predict/MobilenetV2";
export const LAST_CONV = `${MOBILENET_SCOPE}/Conv_1/Relu6`;
export const LOGITS = "StatefulPartitionedCall/sequential/dense/BiasAdd";
