// CAM benchmark: (1) GradCAM and the other gradient CAMs against one forward + backward pass on the same batch,
// (2) ScoreCAM with batched masks against one mask at a time, (3) every method's pointing game and
// deletion/insertion AUC on the shapes dataset with a CNN trained here. Run per backend:
//   npm run bench -- cam                              (native tfjs-node)
//   TENSORSCOPE_BACKEND=cpu npm run bench -- cam      (pure JS, smaller inputs, no training)
import { cpus } from "node:os";
import {
  tf,
  selectBackend,
  models,
  pointingGame,
  deletionCurve,
  insertionCurve,
  GradCAM,
  GradCAMPlusPlus,
  XGradCAM,
  HiResCAM,
  LayerCAM,
  EigenGradCAM,
  ScoreCAM,
  CAM_METHODS,
  type CamConstructor,
} from "../src/index";
import { runModel } from "../src/vision/graph";
import { shapesCnn, trainedShapesCnn } from "../test/vision/cam-quality-model";

const backend = selectBackend({ quiet: true }).choice;
const native = backend === "node" || backend === "node-gpu";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function disposeResult(result: tf.TensorContainer | { dispose(): void }): void {
  if (result && typeof (result as { dispose?: unknown }).dispose === "function") {
    (result as { dispose(): void }).dispose(); // a CamResult: its scores were read on the host, so the work is done
  } else {
    tf.dispose(result as tf.TensorContainer);
  }
}

function timeOnce(run: () => tf.TensorContainer | { dispose(): void }): number {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  disposeResult(result);
  return ms;
}

/** Median wall time (ms) of `reps` runs after one warm-up. */
function time(reps: number, run: () => tf.TensorContainer | { dispose(): void }): number {
  timeOnce(run);
  return median(Array.from({ length: reps }, () => timeOnce(run)));
}

/**
 * Runs the anchor and the candidate alternately (the machine is shared and its load drifts), after a warm-up
 * of each; returns both medians and the median of the per-pair ratios.
 */
function versus(reps: number, anchor: () => tf.TensorContainer, candidate: () => { dispose(): void }) {
  timeOnce(anchor);
  timeOnce(candidate);
  const pairs = Array.from({ length: reps }, () => [timeOnce(anchor), timeOnce(candidate)]);
  return {
    anchor: median(pairs.map((p) => p[0])),
    candidate: median(pairs.map((p) => p[1])),
    ratio: median(pairs.map((p) => p[1] / p[0])),
  };
}

const GRADIENT_METHODS: Record<string, CamConstructor> = {
  GradCAM,
  GradCAMPlusPlus,
  XGradCAM,
  HiResCAM,
  LayerCAM,
  EigenGradCAM,
};
const ALL_METHODS: Record<string, CamConstructor> = CAM_METHODS;

function gradientCost(): void {
  const size = native ? 128 : 64;
  const batch = native ? 4 : 2;
  const reps = native ? 7 : 3;
  const model = models.resnet18({ inputShape: [size, size, 3], classes: 10 });
  const x = tf.randomUniform([batch, size, size, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const oneHot = tf.oneHot(
    Array.from({ length: batch }, (_, i) => i % 10),
    10,
  );
  const forward = time(reps, () => {
    const y = model.predict(x) as tf.Tensor;
    y.dataSync();
    return y;
  });
  // The anchor: one forward and one backward pass to the input, with convolutions un-fused (no filter gradients).
  const forwardBackward = () => {
    const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(runModel(model, input).outputs[0], oneHot)))(x);
    g.dataSync();
    return g;
  };
  console.log(
    `\n#### Gradient CAMs vs one forward + backward (${backend}, resnet18, batch ${batch}x${size}x${size}x3)`,
  );
  console.log(
    `forward alone (predict) ${forward.toFixed(1)} ms; anchor and method timed alternately, ${reps} pairs\n`,
  );
  console.log(
    "| method, target layer | method ms (median) | anchor: forward + backward to the input, ms | ratio (median of pairs) |",
  );
  console.log("|---|---|---|---|");
  const cases: [string, CamConstructor, string][] = [
    ...Object.entries(GRADIENT_METHODS).map(([name, M]): [string, CamConstructor, string] => [
      name,
      M,
      "layer4",
    ]),
    // Worst case: a target near the input, so that nearly the whole network is differentiated.
    ["GradCAM", GradCAM, "layer1"],
  ];
  for (const [name, Method, layer] of cases) {
    const cam = new Method(model, { targetLayer: layer });
    const r = versus(reps, forwardBackward, () => cam.compute(x));
    console.log(
      `| ${name}, ${layer} | ${r.candidate.toFixed(1)} | ${r.anchor.toFixed(1)} | ${r.ratio.toFixed(2)} |`,
    );
  }
  tf.dispose([x, oneHot]);
  model.dispose();
}

function scoreCamBatching(): void {
  const batch = native ? 8 : 2;
  const model = shapesCnn(32, 4);
  const x = tf.randomUniform([batch, 32, 32, 3], 0, 1, "float32", 2) as tf.Tensor4D;
  const jobs = batch * 32;
  const reps = native ? 3 : 1;
  const one = time(reps, () => new ScoreCAM(model, { targetLayer: "last_conv", batchSize: 1 }).compute(x));
  console.log(
    `\n#### ScoreCAM: batched masks vs one mask at a time (${backend}, shapes CNN, ${jobs} masked forwards)`,
  );
  console.log(`anchor: batchSize 1 ${one.toFixed(0)} ms\n`);
  console.log("| model / batchSize | ms (median) | speed-up over one mask at a time |");
  console.log("|---|---|---|");
  for (const batchSize of [16, 64]) {
    const ms = time(reps, () => new ScoreCAM(model, { targetLayer: "last_conv", batchSize }).compute(x));
    console.log(
      `| shapes CNN 32x32, ${batch} images / ${batchSize} | ${ms.toFixed(0)} | ${(one / ms).toFixed(1)}x |`,
    );
  }
  tf.dispose(x);
  if (!native) return;
  // A realistic layer: resnet18's layer4 (512 channels) on one 64x64 image.
  const resnet = models.resnet18({ inputShape: [64, 64, 3], classes: 10 });
  const image = tf.randomUniform([1, 64, 64, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  const single = time(1, () => new ScoreCAM(resnet, { targetLayer: "layer4", batchSize: 1 }).compute(image));
  const batched = time(1, () =>
    new ScoreCAM(resnet, { targetLayer: "layer4", batchSize: 32 }).compute(image),
  );
  console.log(`| resnet18 64x64 layer4, 1 image / 1 (anchor) | ${single.toFixed(0)} | 1.0x |`);
  console.log(
    `| resnet18 64x64 layer4, 1 image / 32 | ${batched.toFixed(0)} | ${(single / batched).toFixed(1)}x |`,
  );
  const faster = time(1, () =>
    new ScoreCAM(resnet, { targetLayer: "layer4", batchSize: 32, maxChannels: 64 }).compute(image),
  );
  console.log(
    `| resnet18 64x64 layer4, 1 image / 32, maxChannels 64 (Faster Score-CAM) | ${faster.toFixed(0)} | ${(single / faster).toFixed(1)}x |`,
  );
  image.dispose();
  resnet.dispose();
}

async function quality(): Promise<void> {
  const { model, testSet, accuracy } = await trainedShapesCnn();
  const n = 50;
  const images = testSet.images.slice(0, n) as tf.Tensor4D;
  const targets = testSet.labels.slice(0, n);
  console.log(`\n#### Quality on shapes (${backend}; CNN trained here, held-out accuracy ${accuracy})`);
  console.log(
    "pointing game on 200 held-out images (true class); deletion/insertion AUC (softmax probability,",
  );
  console.log(
    `16 steps; deletion to black (0) and to the image's mean colour; insertion from 0) on the first ${n};`,
  );
  console.log("time = compute() on the 200 images\n");
  console.log(
    "| method | pointing game | deletion AUC, to 0 (lower better) | deletion AUC, to mean | insertion AUC (higher better) | ms / 200 images |",
  );
  console.log("|---|---|---|---|---|---|");
  const row = (name: string, maps: tf.Tensor3D, ms: number | null) => {
    const pointing = pointingGame(maps, testSet.boxes).accuracy;
    const first = maps.slice(0, n);
    const deletion = deletionCurve(model, images, first, { targets, steps: 16 }).meanAuc;
    const deletionMean = deletionCurve(model, images, first, {
      targets,
      steps: 16,
      baseline: "mean",
    }).meanAuc;
    const insertion = insertionCurve(model, images, first, { targets, steps: 16 }).meanAuc;
    first.dispose();
    const msText = ms === null ? "-" : ms.toFixed(0);
    console.log(
      `| ${name} | ${pointing.toFixed(3)} | ${deletion.toFixed(3)} | ${deletionMean.toFixed(3)} | ${insertion.toFixed(3)} | ${msText} |`,
    );
  };
  for (const [name, Method] of Object.entries(ALL_METHODS)) {
    const start = performance.now();
    const result = new Method(model, { targetLayer: "last_conv" }).compute(testSet.images, {
      targets: testSet.labels,
    });
    const ms = performance.now() - start;
    row(name, result.heatmap, ms);
    result.dispose();
  }
  const faster = performance.now();
  const fast = new ScoreCAM(model, { targetLayer: "last_conv", maxChannels: 8 }).compute(testSet.images, {
    targets: testSet.labels,
  });
  row("ScoreCAM, maxChannels 8", fast.heatmap, performance.now() - faster);
  fast.dispose();
  const random = tf.randomUniform([200, 32, 32], 0, 1, "float32", 4) as tf.Tensor3D;
  row("random map (baseline)", random, null);
  random.dispose();
  tf.dispose([images]);
  testSet.dispose();
}

async function main(): Promise<void> {
  console.log(
    `cam.bench: backend ${backend}, ${cpus().length} cores (${cpus()[0]?.model}), ${new Date().toISOString()}`,
  );
  gradientCost();
  scoreCamBatching();
  if (native) await quality();
  else
    console.log(
      "\n(quality table: native backend only — training the CNN on cpu takes too long; maps do not depend on the backend)",
    );
}

void main();
