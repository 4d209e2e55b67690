// loadModel(path): a model.json from disk, whichever kind it is. tfjs needs a file:// handler (tfjs-node only) and
// the caller to know the kind beforehand (loadLayersModel vs loadGraphModel); this reads model.json and its weight
// shards with fs on any backend and picks the loader from the file's own "format" / topology.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tf } from "../backend";

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: { node?: unknown } & object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: object;
  userDefinedMetadata?: { [key: string]: object };
  modelInitializer?: object;
  trainingConfig?: tf.io.TrainingConfig;
}

/** Whether a model.json describes a converted TensorFlow graph (else a Keras/tfjs layers model). */
export function isGraphModelJson(json: ModelJson): boolean {
  return json.format === "graph-model" || (json.modelTopology !== undefined && "node" in json.modelTopology);
}

async function artifactsOf(path: string, json: ModelJson): Promise<tf.io.ModelArtifacts> {
  const manifest = json.weightsManifest ?? [];
  const shards = await Promise.all(
    manifest.flatMap((group) => group.paths.map((p) => readFile(join(dirname(path), p)))),
  );
  const weightData = new Uint8Array(shards.reduce((n, s) => n + s.length, 0));
  let offset = 0;
  for (const shard of shards) {
    weightData.set(shard, offset);
    offset += shard.length;
  }
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    trainingConfig: json.trainingConfig,
    weightSpecs: manifest.flatMap((group) => group.weights),
    weightData: weightData.buffer,
  };
}

/**
 * Loads a TensorFlow.js model.json and its weight files from disk: a LayersModel (tf.loadLayersModel's kind:
 * Keras models, `model.save`) or a GraphModel (tfjs-converter output from SavedModels and TF Hub).
 *
 * @example
 * const model = await loadModel("models/mobilenet/model.json");
 * summary(model);
 */
export async function loadModel(path: string): Promise<tf.LayersModel | tf.GraphModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(await readFile(path, "utf8")) as ModelJson;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`loadModel: could not read a model.json at "${path}": ${message}`);
  }
  if (typeof json !== "object" || json === null || !json.modelTopology) {
    throw new Error(`loadModel: "${path}" is not a TensorFlow.js model.json (it has no modelTopology)`);
  }
  const artifacts = await artifactsOf(path, json);
  const handler = tf.io.fromMemory(artifacts);
  return isGraphModelJson(json) ? tf.loadGraphModel(handler) : tf.loadLayersModel(handler);
}

/** Weight data as one buffer (tfjs 4 may hand it over as several). */
function weightBytes(data: tf.io.ModelArtifacts["weightData"]): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(parts.map((part) => new Uint8Array(part)));
}

/**
 * Saves a LayersModel or GraphModel as `dir/model.json` + `dir/weights.bin`, the layout `loadModel` (and tfjs'
 * own loaders) read, on any backend. Returns the model.json path.
 */
export async function saveModel(model: tf.LayersModel | tf.GraphModel, dir: string): Promise<string> {
  const path = join(dir, "model.json");
  await mkdir(dir, { recursive: true });
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  if (!artifacts) throw new Error("saveModel: tfjs handed over no model artifacts");
  const { weightData, weightSpecs, ...rest } = artifacts;
  const json = { ...rest, weightsManifest: [{ paths: ["weights.bin"], weights: weightSpecs ?? [] }] };
  await writeFile(join(dir, "weights.bin"), weightBytes(weightData));
  await writeFile(path, JSON.stringify(json));
  return path;
}
