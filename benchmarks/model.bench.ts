// The model interface on a real GraphModel (nsfwjs' MobileNetV2, converted by tfjs-converter 1.7.4, 224×224):
// (1) GradCAM at batch 4 against one forward pass plus one gradient at the target node done by hand with
//     execute + tf.grad (target: at most 1.3×);
// (2) featureMaps of 3 nodes against one execute of those nodes (target: at most 1.1×);
// and no tensor leaks. Anchor and candidate alternate in one process (the machine is shared).
//   npm run bench -- model
import { execFileSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { tf, selectBackend, featureMaps, GradCAM, inspectModel, loadModel } from "../src/index";

const backend = selectBackend({ quiet: true }).choice;
const LOGITS = "StatefulPartitionedCall/sequential/dense/BiasAdd";
const NODES = ["MobilenetV2/Conv/Relu6", "expanded_conv_6/expand/Relu6", "Conv_1/Relu6"];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function timeOnce(run: () => { dispose(): void } | tf.Tensor | tf.Tensor[]): number {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  if (Array.isArray(result)) tf.dispose(result);
  else result.dispose();
  return ms;
}

function versus(
  reps: number,
  anchor: () => tf.Tensor | tf.Tensor[],
  candidate: () => { dispose(): void } | { dispose(): void }[],
) {
  const run = () => {
    const out = candidate();
    return Array.isArray(out) ? { dispose: () => out.forEach((o) => o.dispose()) } : out;
  };
  timeOnce(anchor);
  timeOnce(run);
  const pairs = Array.from({ length: reps }, () => [timeOnce(anchor), timeOnce(run)]);
  return {
    anchor: median(pairs.map((p) => p[0])),
    candidate: median(pairs.map((p) => p[1])),
    ratio: median(pairs.map((p) => p[1] / p[0])),
    /** Ratio of the fastest runs: the undisturbed cost on a loaded machine. */
    minRatio: Math.min(...pairs.map((p) => p[1])) / Math.min(...pairs.map((p) => p[0])),
  };
}

async function main(): Promise<void> {
  const dir = execFileSync(process.execPath, [join(__dirname, "..", "scripts", "nsfwjs-fixtures.mjs")], {
    encoding: "utf8",
  }).trim();
  const g = (await loadModel(join(dir, "mobilenet_v2_mid", "model.json"))) as tf.GraphModel;
  const m = inspectModel(g);
  const target = m.resolve("Conv_1/Relu6").name;
  const names = NODES.map((n) => m.resolve(n).name);
  const x = tf.randomUniform([4, 224, 224, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const x1 = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 2) as tf.Tensor4D;
  const targets = [0, 1, 2, 3];
  const oneHot = tf.oneHot(targets, 5);
  const start = tf.memory().numTensors;

  const byHand = () => {
    const A = g.execute(x, target) as tf.Tensor;
    const grads = tf.grad((a: tf.Tensor) =>
      tf.sum(tf.mul(g.execute({ input: x, [target]: a }, LOGITS) as tf.Tensor, oneHot)),
    )(A);
    grads.dataSync();
    return [A, grads];
  };
  const cam = new GradCAM(g, { targetLayer: "Conv_1/Relu6", output: LOGITS });
  const gradcam = versus(5, byHand, () => cam.compute(x, { targets }));

  const execute = () => {
    const out = g.execute(x1, names) as tf.Tensor[];
    out.forEach((t) => t.dataSync());
    return out;
  };
  const maps = versus(21, execute, () => {
    const result = featureMaps(g, NODES, x1);
    result.forEach((r) => r.activations.dataSync());
    return result;
  });
  const leaked = tf.memory().numTensors - start;

  console.log(`machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}, backend ${backend}`);
  console.log(`date: ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(1)}`);
  console.log(
    "| measurement | anchor (same run), median ms | tensorscope, median ms | median ratio | ratio of minima | target |",
  );
  console.log("|---|---|---|---|---|---|");
  console.log(
    `| GradCAM, batch 4, at Conv_1/Relu6 on the logits | execute + tf.grad by hand: ${gradcam.anchor.toFixed(0)} | ${gradcam.candidate.toFixed(0)} | ${gradcam.ratio.toFixed(2)} | ${gradcam.minRatio.toFixed(2)} | ≤ 1.3 |`,
  );
  console.log(
    `| featureMaps of 3 nodes, batch 1 | one execute of those nodes: ${maps.anchor.toFixed(0)} | ${maps.candidate.toFixed(0)} | ${maps.ratio.toFixed(2)} | ${maps.minRatio.toFixed(2)} | ≤ 1.1 |`,
  );
  console.log(`tensors left behind: ${leaked}`);
  tf.dispose([x, x1, oneHot]);
}

void main();
