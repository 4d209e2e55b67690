// Turns the pretrained models bundled in the nsfwjs package (a dev dependency, used only for its weights) into
// model.json + binary shards under .cache/nsfwjs/<name>/, so tests can tf.loadLayersModel / tf.loadGraphModel them
// from file://. Each dist/models/<name>/model.min.js bundle exports the model.json object and each
// group1-shardNofM.min.js a base64 string of that shard. Idempotent: a model already written is left alone.
// Usage: node scripts/nsfwjs-fixtures.mjs [outDir]   (prints the directory)
import { createRequire } from "node:module";
import { existsSync, mkdirSync, writeFileSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
const MODELS = ["mobilenet_v2", "mobilenet_v2_mid", "inception_v3"];

export function nsfwjsFixtures(outDir = join(root, ".cache", "nsfwjs")) {
  const bundles = join(root, "node_modules", "nsfwjs", "dist", "models");
  if (!existsSync(bundles)) throw new Error("the nsfwjs dev dependency is not installed: run npm install");
  for (const name of MODELS) {
    const target = join(outDir, name);
    if (existsSync(join(target, "model.json"))) continue;
    const modelJson = require(join(bundles, name, "model.min.js"));
    const staging = `${target}.partial-${process.pid}`;
    mkdirSync(staging, { recursive: true });
    for (const group of modelJson.weightsManifest) {
      for (const path of group.paths) {
        const base64 = require(join(bundles, name, `${path}.min.js`));
        writeFileSync(join(staging, path), Buffer.from(base64, "base64"));
      }
    }
    writeFileSync(join(staging, "model.json"), JSON.stringify(modelJson));
    // a concurrent run may have finished first: its copy is identical
    if (existsSync(join(target, "model.json"))) rmSync(staging, { recursive: true });
    else renameSync(staging, target);
  }
  return outDir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(nsfwjsFixtures(process.argv[2] ? resolve(process.argv[2]) : undefined));
}
