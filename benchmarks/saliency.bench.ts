// Saliency benchmark: one input-gradient map with tensorscope (the model's nodes re-run with un-fused convs,
// one-hot class scores) against the anchor, the usual tfjs way: tf.grad through model.apply with gather for the
// class score (tfjs-examples visualize-convnet), which keeps linear-activation convs fused and so also computes
// every filter gradient. Model: models.smallResnet (conv → BN everywhere, as ResNet). Run per backend:
//   npm run bench -- saliency                             (native tfjs-node)
//   TENSORSCOPE_BACKEND=cpu npm run bench -- saliency     (pure JS)
//   TENSORSCOPE_BACKEND=wasm npm run bench -- saliency    (the anchor has no kernel there)
import { cpus } from "node:os";
import {
  tf,
  ready,
  models,
  vanillaGradients,
  smoothGrad,
  guidedBackprop,
  integratedGradients,
} from "../src/index";

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

/** Median wall time (ms) of `reps` runs after one warm-up; each run's results are disposed. */
function time(reps: number, run: () => { dispose(): void } | tf.Tensor): number {
  run().dispose();
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    const result = run();
    if (result instanceof tf.Tensor) result.dataSync();
    times.push(performance.now() - start);
    result.dispose();
  }
  return median(times);
}

/**
 * Anchor and ours timed in alternation (A, B, A, B, …) so that the load of this shared machine hits both alike;
 * a failing anchor (a missing kernel) is reported as text.
 */
function timePair(
  reps: number,
  anchor: () => tf.Tensor,
  ours: () => { dispose(): void },
): { anchor: number | string; ours: number } {
  const anchorTimes: number[] = [];
  const ourTimes: number[] = [];
  let anchorError: string | undefined;
  const once = (run: () => { dispose(): void } | tf.Tensor, into: number[]) => {
    const start = performance.now();
    const result = run();
    if (result instanceof tf.Tensor) result.dataSync();
    into.push(performance.now() - start);
    result.dispose();
  };
  for (let r = 0; r <= reps; r++) {
    if (anchorError === undefined) {
      try {
        once(anchor, anchorTimes);
      } catch (error) {
        anchorError = `ERR ${(error as Error).message.split("\n")[0].slice(0, 60)}`;
      }
    }
    once(ours, ourTimes);
  }
  // the first round is a warm-up
  return { anchor: anchorError ?? median(anchorTimes.slice(1)), ours: median(ourTimes.slice(1)) };
}

const show = (v: number | string) => (typeof v === "number" ? `${v.toFixed(1)} ms` : v);

async function main() {
  const info = await ready();
  const native = info.choice === "node" || info.choice === "node-gpu";
  const side = native ? 64 : 32;
  const reps = native ? 20 : 3;
  const model = models.smallResnet({ inputShape: [side, side, 3], classes: 10, outputActivation: "linear" });
  const x = tf.randomUniform([1, side, side, 3], 0, 1, "float32", 1);
  const target = 3;
  const anchorGradient = () =>
    tf.tidy(() =>
      tf.grad((input: tf.Tensor) => (model.apply(input) as tf.Tensor).gather([target], 1).sum())(x),
    );
  const forward = time(reps, () => tf.tidy(() => model.predict(x) as tf.Tensor));
  const pair = timePair(reps, anchorGradient, () => vanillaGradients(model, x, { targets: target }));
  const { anchor, ours } = pair;
  const guided = time(reps, () => guidedBackprop(model, x, { targets: target }));
  const smooth = time(Math.max(1, Math.floor(reps / 3)), () =>
    smoothGrad(model, x, { targets: target, samples: 16 }),
  );
  const ig = time(Math.max(1, Math.floor(reps / 3)), () =>
    integratedGradients(model, x, { targets: target, steps: 16 }),
  );
  console.log(
    `machine: ${cpus().length}x ${cpus()[0]?.model}, node ${process.version}, backend ${info.choice}`,
  );
  console.log(`model: smallResnet ${side}x${side}x3, batch 1, median of ${reps}`);
  console.log(`forward (predict)                          ${show(forward)}`);
  console.log(`anchor: tf.grad(model.apply + gather)      ${show(anchor)}`);
  console.log(`vanillaGradients                           ${show(ours)}`);
  if (typeof anchor === "number")
    console.log(`  anchor / vanillaGradients                ${(anchor / ours).toFixed(2)}x`);
  console.log(`  vanillaGradients / forward               ${(ours / forward).toFixed(2)}x`);
  console.log(
    `guidedBackprop                             ${show(guided)}  (${(guided / ours).toFixed(2)}x vanilla)`,
  );
  console.log(
    `smoothGrad, 16 samples                     ${show(smooth)}  (${(smooth / ours).toFixed(2)}x vanilla)`,
  );
  console.log(`integratedGradients, 16 steps              ${show(ig)}  (${(ig / ours).toFixed(2)}x vanilla)`);
  x.dispose();
  model.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
