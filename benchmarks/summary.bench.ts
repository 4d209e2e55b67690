// summary() speed on a 500-layer model (target: under 50 ms) against tfjs' own model.summary() in the same run,
// and our totals against torchinfo's published ResNet-18 figures (reference summary.md §4.1, torchinfo `main`).
import { cpus, loadavg } from "node:os";
import { DISPLAY_SYMBOL, models, summary, tf } from "../src/index";

type Sym = ReturnType<typeof tf.input>;

/** 100 residual blocks of dense → relu → dense → add → relu: 500 layers with 100 merges, plus the input. */
function fiveHundredLayers(): tf.LayersModel {
  const input = tf.input({ shape: [16], name: "x" });
  let x: Sym = input;
  for (let b = 0; b < 100; b++) {
    const call = (layer: tf.layers.Layer, v: Sym | Sym[]) => layer.apply(v) as Sym;
    let y = call(tf.layers.dense({ name: `b${b}_fc1`, units: 16, kernelInitializer: "zeros" }), x);
    y = call(tf.layers.reLU({ name: `b${b}_relu1` }), y);
    y = call(tf.layers.dense({ name: `b${b}_fc2`, units: 16, kernelInitializer: "zeros" }), y);
    y = call(tf.layers.add({ name: `b${b}_add` }), [y, x]);
    x = call(tf.layers.reLU({ name: `b${b}_relu2` }), y);
  }
  return tf.model({ inputs: input, outputs: x, name: "deep500" });
}

/** Median and minimum of `runs` timed calls after 10 warm-up calls (the minimum is the least disturbed by load). */
function timeMs(fn: () => void, runs: number): { median: number; min: number } {
  for (let i = 0; i < 10; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], min: times[0] };
}

const fmt = (t: { median: number; min: number }) => `${t.median.toFixed(2)} (min ${t.min.toFixed(2)})`;

const discard = () => undefined;

function speedRow(name: string, model: tf.LayersModel, runs: number): string {
  const ours = timeMs(() => summary(model).toString(), runs);
  const all = timeMs(() => {
    const s = summary(model, {
      depth: Infinity,
      columns: ["inputSize", "outputSize", "numParams", "multAdds"],
    });
    s.toString();
    s[DISPLAY_SYMBOL]();
  }, runs);
  const tfjs = timeMs(() => model.summary(undefined, undefined, discard), runs);
  const ratio = (ours.median / tfjs.median).toFixed(2);
  return `| ${name} (${model.layers.length} layers) | ${fmt(ours)} | ${fmt(all)} | ${fmt(tfjs)} | ${ratio} |`;
}

// torchinfo `main` on torchvision's ResNet-18 (reference summary.md §4.1 and the 64×64 golden).
const TORCHINFO = [
  {
    size: 224,
    multAdds: 1_814_083_944,
    fwdBwd: "39.75 MB",
    params: 11_689_512,
    input: "602.17 kB",
    total: "87.11 MB",
  },
  {
    size: 64,
    multAdds: 148_570_000,
    fwdBwd: "3.25 MB",
    params: 11_689_512,
    input: "49.21 kB",
    total: "50.06 MB",
  },
];

function line(text: string, label: string): string {
  const found = text.split("\n").find((l) => l.startsWith(label));
  return found ? found.slice(label.length).replace(/^ \((\w+)\): (.*)$/, "$2 $1") : "?";
}

function totalsRows(): string[] {
  return TORCHINFO.map((t) => {
    const model = models.resnet18({ inputShape: [t.size, t.size, 3], init: "zeros" });
    const s = summary(model, { inputSize: [1, t.size, t.size, 3] });
    const text = s.toString();
    model.dispose();
    const macs =
      t.size === 224 ? `${s.totalMultAdds} vs ${t.multAdds}` : `${line(text, "Total mult-adds")} vs 148.57 M`;
    return (
      `| ResNet-18 1×${t.size}×${t.size}×3 | ${macs} | ${s.trainableParams} vs ${t.params} | ` +
      `${line(text, "Forward/backward pass size")} vs ${t.fwdBwd} | ${line(text, "Input size")} vs ${t.input} | ` +
      `${line(text, "Estimated Total Size")} vs ${t.total} |`
    );
  });
}

function main(): void {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}, backend ${tf.getBackend()}`,
  );
  console.log(`date: ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(1)}\n`);
  const deep = fiveHundredLayers();
  const resnet = models.resnet18({ init: "zeros" });
  const vgg = models.vgg11({ init: "zeros" });
  console.log(
    "| model | summary() + toString, median ms | all columns, every depth, text + HTML, ms | tfjs model.summary(), ms | median ratio ours/tfjs |",
  );
  console.log("|---|---|---|---|---|");
  console.log(speedRow("500-layer residual MLP", deep, 41));
  console.log(speedRow("ResNet-18", resnet, 41));
  console.log(speedRow("VGG-11", vgg, 41));
  console.log(
    "\n| architecture | mult-adds (ours vs torchinfo) | trainable params | fwd/bwd size | input size | total size |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const row of totalsRows()) console.log(row);
}

main();
