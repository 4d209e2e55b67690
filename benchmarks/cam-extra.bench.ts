// The newer CAM methods and captum's occlusion, against anchors measured in the same run (ratios):
// (1) gradient CAMs and FullGrad vs one forward + backward to the target layer, ResNet-18 224² batch 4;
// (2) occlusion 15×15, stride 8, 224²: batched windows vs one window at a time;
// (3) KPCACAM and DeepFeatureFactorization on layer4 of ResNet-18 at batch 4 (absolute time, target < 2 s).
//   npm run bench -- cam-extra
import { cpus, loadavg } from "node:os";
import {
  tf,
  selectBackend,
  models,
  GradCAM,
  GradCAMElementWise,
  ShapleyCAM,
  SegEigenCAM,
  FinerCAM,
  FullGrad,
  KPCACAM,
  DeepFeatureFactorization,
  occlusion,
  type CamConstructor,
} from "../src/index";
import { inspectModel } from "../src/model";
import { runModel } from "../src/vision/graph";

const backend = selectBackend({ quiet: true }).choice;
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

function timeOnce(run: () => { dispose(): void } | tf.Tensor): number {
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  result.dispose();
  return ms;
}

/** Anchor and candidate alternately (the load drifts), after a warm-up of each; medians and median ratio. */
function versus(reps: number, anchor: () => tf.Tensor, candidate: () => { dispose(): void }) {
  timeOnce(anchor);
  timeOnce(candidate);
  const pairs = Array.from({ length: reps }, () => [timeOnce(anchor), timeOnce(candidate)]);
  return {
    anchor: median(pairs.map((p) => p[0])),
    candidate: median(pairs.map((p) => p[1])),
    ratio: median(pairs.map((p) => p[1] / p[0])),
  };
}

console.log(
  `${backend}, ${cpus().length} cpus (${cpus()[0]?.model}), load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
// CAM_CASES=GradCAM,FinerCAM,occlusion runs only the cases (and sections) whose names start with one of these
const only = process.env.CAM_CASES?.split(",");
// CAM_PAIRS=9: more anchor/method pairs when the machine is loaded (default 5)
const pairs = Number(process.env.CAM_PAIRS ?? 5);
const wanted = (name: string) => !only || only.some((prefix) => name.startsWith(prefix));
const model = models.resnet18({ inputShape: [224, 224, 3], classes: 10 });
const x = tf.randomUniform([4, 224, 224, 3], 0, 1, "float32", 1) as tf.Tensor4D;
const oneHot = tf.oneHot([0, 1, 2, 3], 10);

// The anchor: forward to layer4, then forward and backward of the rest with layer4's output substituted, the
// gradient taken with respect to it: exactly "one forward + backward to the target layer".
const toLayer4 = () =>
  tf.tidy(() => {
    const a = runModel(model, x, { capture: ["layer4"], stopAfterCapture: true }).captured[0];
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(runModel(model, x, { substitute: { layer: "layer4", value: t } }).outputs[0], oneHot)),
    )(a);
    g.dataSync();
    return g;
  });
console.log(
  `\n#### Gradient CAMs vs one forward + backward to layer4 (resnet18, 4x224x224x3), ${pairs} pairs\n`,
);
console.log("| method | method ms (median) | anchor ms | ratio (median of pairs) | target |");
console.log("|---|---|---|---|---|");
const cases: [string, CamConstructor, number][] = [
  ["GradCAM", GradCAM, 1.3],
  ["GradCAMElementWise", GradCAMElementWise, 1.3],
  ["ShapleyCAM", ShapleyCAM, 1.3],
  ["SegEigenCAM", SegEigenCAM, 1.3],
  ["FinerCAM (GradCAM)", FinerCAM, 1.3],
  ["FullGrad", FullGrad as unknown as CamConstructor, 3],
];
for (const [name, Method, target] of cases) {
  if (!wanted(name)) continue;
  const cam = new Method(model, { targetLayer: "layer4" });
  const r = versus(pairs, toLayer4, () => cam.compute(x));
  console.log(
    `| ${name} | ${r.candidate.toFixed(0)} | ${r.anchor.toFixed(0)} | ${r.ratio.toFixed(2)} | ≤ ${target} |`,
  );
}

// FullGrad needs the gradient at the input: against one forward + backward to the input as well, and that
// floor itself against the layer4 anchor (what no FullGrad can go below)
const toInput = () =>
  tf.tidy(() => {
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(runModel(model, t).outputs[0], oneHot)))(x);
    g.dataSync();
    return g;
  });
if (wanted("FullGrad")) {
  const floor = versus(pairs, toLayer4, toInput);
  console.log(
    `| (floor) one forward + backward to the input, vs the layer4 anchor | ${floor.candidate.toFixed(0)} | ${floor.anchor.toFixed(0)} | ${floor.ratio.toFixed(2)} | |`,
  );
  const fullGrad = new FullGrad(model);
  const full = versus(pairs, toInput, () => fullGrad.compute(x));
  console.log(
    `| FullGrad vs forward + backward to the input | ${full.candidate.toFixed(0)} | ${full.anchor.toFixed(0)} | ${full.ratio.toFixed(2)} | ≤ 3 |`,
  );
}

console.log("\n#### KPCACAM and DeepFeatureFactorization on layer4 (resnet18, 4x224x224x3), median of 3\n");
console.log("| method | ms | target |");
console.log("|---|---|---|");
for (const [name, make] of [
  ["KPCACAM (sigmoid kernel)", () => new KPCACAM(model, { targetLayer: "layer4" })],
  [
    "DeepFeatureFactorization (5 concepts, 200 iterations)",
    () => new DeepFeatureFactorization(model, { targetLayer: "layer4" }),
  ],
] as [string, () => { compute(x: tf.Tensor): { dispose(): void } }][]) {
  if (!wanted(name)) continue;
  const method = make();
  timeOnce(() => method.compute(x));
  const ms = median([0, 1, 2].map(() => timeOnce(() => method.compute(x))));
  console.log(`| ${name} | ${ms.toFixed(0)} | < 2000 |`);
}
tf.dispose([x, oneHot]);

// Occlusion: where the time goes. Per perturbed image, the model call at batch 1 / 16 / 64 as occlusion makes it
// (the interface's inference path: predictOnBatch) and through the layer walker (what it used before), each after
// a warm-up at that batch shape (the native backend prepares its kernels per new input shape: its cost is shown).
const one = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 2) as tf.Tensor4D;
/** Wall-clock and CPU time (all of the process's threads) of one call: on a shared machine the CPU time is the steadier. */
function timeWallAndCpu(run: () => { dispose(): void }): { wall: number; cpu: number } {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  run().dispose();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu0);
  return { wall, cpu: (used.user + used.system) / 1000 };
}
const perImage = (n: number, call: (t: tf.Tensor) => tf.Tensor) => {
  const batch = tf.tile(one, [n, 1, 1, 1]);
  const first = timeOnce(() => call(batch));
  const reps = Math.max(3, Math.ceil(32 / n));
  const times = Array.from({ length: reps }, () => timeWallAndCpu(() => call(batch)));
  batch.dispose();
  return {
    first,
    wall: median(times.map((t) => t.wall)) / n,
    cpu: median(times.map((t) => t.cpu)) / n,
  };
};
const predict = (t: tf.Tensor) => {
  const out = model.predictOnBatch(t) as tf.Tensor;
  out.dataSync();
  return out;
};
const walker = (t: tf.Tensor) => {
  const out = runModel(model, t).outputs[0];
  out.dataSync();
  return out;
};
// the walk an inference-only run takes when it captures a node: batch norms folded into the convolutions
const inspected = inspectModel(model);
const foldedWalk = (t: tf.Tensor) => {
  const out = inspected.run([t], {
    capture: [inspected.resolve("fc")],
    capturesOnly: true,
    inferenceOnly: true,
  }).captured[0];
  out.dataSync();
  return out;
};
console.log(
  "\n#### ResNet-18 forward per 224² image by batch size (median wall / CPU ms; first call at that shape)\n",
);
console.log(
  "| batch | predictOnBatch wall ms/image | CPU ms/image | first call ms | layer walker wall ms/image | CPU ms/image | first call ms | folded walk wall ms/image | CPU ms/image |",
);
console.log("|---|---|---|---|---|---|---|---|---|");
const chunkSizes = (process.env.OCCLUSION_CHUNKS ?? "16,32,64").split(",").map(Number);
for (const n of [1, ...chunkSizes]) {
  const p = perImage(n, predict);
  const w = perImage(n, walker);
  const f = perImage(n, foldedWalk);
  const [cells, walk, folded] = [p, w, f].map((r) => [r.wall, r.cpu].map((v) => v.toFixed(1)).join(" | "));
  console.log(`| ${n} | ${cells} | ${p.first.toFixed(0)} | ${walk} | ${w.first.toFixed(0)} | ${folded} |`);
}

console.log(
  "\n#### occlusion 15x15, stride 8 on 1x224x224x3 (784 windows): batched whole images and incremental crops vs one window at a time, one run each\n",
);
const run =
  (perturbationsPerEval: number, incremental: "auto" | false = false, seen: { how?: string } = {}) =>
  () => {
    const r = occlusion(model, one, {
      targets: [0],
      window: [15, 15],
      strides: 8,
      perturbationsPerEval,
      incremental,
    });
    seen.how = r.computedBy;
    return r;
  };
// CAM_CASES without "occlusion" skips it (it takes minutes on a loaded machine)
const skipOcclusion = !wanted("occlusion");
// Each path is timed twice: its first call pays the native backend's set-up for each new tensor shape (once per
// process), the second is what every later call costs. Ratios are of second calls.
const twice = (call: () => { dispose(): void }) => {
  const first = timeWallAndCpu(call);
  return { ...timeWallAndCpu(call), firstWall: first.wall };
};
const single = skipOcclusion ? { wall: NaN, cpu: NaN, firstWall: NaN } : twice(run(1));
console.log(
  "| path | perturbationsPerEval | wall ms | wall speed-up | CPU ms | CPU speed-up | target | first call wall ms |",
);
console.log("|---|---|---|---|---|---|---|---|");
console.log(
  `| whole images (anchor) | 1 | ${single.wall.toFixed(0)} | 1.0x | ${single.cpu.toFixed(0)} | 1.0x | | ${single.firstWall.toFixed(0)} |`,
);
const paths: [string, number, "auto" | false][] = [
  ...chunkSizes.map((n): [string, number, false] => ["whole images", n, false]),
  ...chunkSizes.map((n): [string, number, "auto"] => ["incremental (auto)", n, "auto"]),
];
const seen: { how?: string } = {};
for (const [name, n, incremental] of skipOcclusion ? [] : paths) {
  const t = twice(run(n, incremental, seen));
  const ratios = [single.wall / t.wall, single.cpu / t.cpu].map((r) => `${r.toFixed(2)}x`);
  console.log(
    `| ${name} | ${n} | ${t.wall.toFixed(0)} | ${ratios[0]} | ${t.cpu.toFixed(0)} | ${ratios[1]} | ≥ 3x | ${t.firstWall.toFixed(0)} |`,
  );
}
if (seen.how) console.log(`\nincremental path taken: ${seen.how}`);
one.dispose();
model.dispose();
console.log(
  `\nload average after: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
