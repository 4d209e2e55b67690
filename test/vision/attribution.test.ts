// captum's attributions on models small enough to work out by hand (cam-fixtures.ts' hand model and a
// 3x3 → dense(2, relu) → dense(2) net), plus completeness (sum-to-delta) where the method has it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import {
  deepLift,
  featureAblation,
  gradientShap,
  inputXGradient,
  layerConductance,
  layerIntegratedGradients,
  noiseTunnel,
  occlusion,
} from "../../src/vision/attribution";
import { integratedGradients, type IntegratedGradientsOptions } from "../../src/vision/saliency";
import { INPUTS, W, handModel, inputTensor } from "./cam-fixtures";
import { nestedModel, residualModel } from "./graph-models";
import {
  C,
  V,
  X,
  close,
  f,
  featureAblationOracle,
  inputXGradientOracle,
  mlp,
  occlusionOracle,
  relu,
  top,
  withLeakCheck,
  xTensor,
} from "./attribution-fixtures";

test("inputXGradient = x ⊙ ∂y/∂x", () => {
  const model = mlp();
  const x = xTensor();
  withLeakCheck(() => {
    const r = inputXGradient(model, x);
    const a = r.attributions.arraySync().map((s) => s.flat(2));
    X.forEach((x0, b) => close(a[b], inputXGradientOracle(x0), `sample ${b}`));
    assert.deepEqual(r.classes, X.map(top));
    r.dispose();
  });
  x.dispose();
});

test("occlusion: 2x2 windows, stride 1, averaged over the windows covering each pixel", () => {
  const model = mlp();
  const x = xTensor();
  withLeakCheck(() => {
    for (const perturbationsPerEval of [1, 3]) {
      const r = occlusion(model, x, { window: [2, 2], strides: 1, baseline: 0.5, perturbationsPerEval });
      const a = r.attributions.arraySync().map((s) => s.flat(2));
      X.forEach((x0, b) =>
        close(a[b], occlusionOracle(x0, 0.5), `sample ${b}, ${perturbationsPerEval} per eval`),
      );
      r.dispose();
    }
  });
  // captum's window count: ⌈(3 − 2)/2⌉ + 1 = 2 per side, the second window cut at the border
  const r = occlusion(model, x, { window: [2, 2], strides: 2 });
  const a = r.attributions.arraySync()[0].flat(2);
  const x0 = X[0];
  const c = top(x0);
  const cornerDrop =
    f(x0, c) -
    f(
      x0.map((v, p) => ([8].includes(p) ? 0 : v)),
      c,
    );
  close([a[8]], [cornerDrop], "cut window");
  r.dispose();
  assert.throws(
    () => occlusion(model, x, { window: [4, 4] }),
    /window \[4,4\] must be positive and fit the sample \[3,3,1\]/,
  );
  assert.throws(
    () => occlusion(model, x, { window: [2, 2], strides: 3 }),
    /strides \[3,3,1\] must be positive integers no larger/,
  );
  x.dispose();
});

test("featureAblation: every element of a group gets that group's score drop", () => {
  const model = mlp();
  const x = xTensor();
  const mask = tf.tensor2d([
    [0, 0, 1],
    [1, 2, 2],
    [2, 2, 2],
  ]);
  withLeakCheck(() => {
    const r = featureAblation(model, x, { featureMask: mask, baseline: 0 });
    const a = r.attributions.arraySync().map((s) => s.flat(2));
    const ids = mask.arraySync().flat();
    X.forEach((x0, b) => close(a[b], featureAblationOracle(x0, ids), `sample ${b}`));
    r.dispose();
  });
  const bad = tf.zeros([2, 2]);
  assert.throws(
    () => featureAblation(model, x, { featureMask: bad }),
    /featureMask of shape \[2,2\] does not fit the input \[2, 3, 3, 1\]/,
  );
  tf.dispose([x, mask, bad]);
});

test("deepLift (rescale) on the hand model: multipliers Δout/Δin, and attributions sum to f(x) − f(x′)", () => {
  const model = handModel();
  const x = inputTensor();
  withLeakCheck(() => {
    const r = deepLift(model, x, { targets: [1, 0, 1] });
    const a = r.attributions.arraySync().map((s) => s.flat(2));
    INPUTS.forEach((x0, b) => {
      const c = [1, 0, 1][b];
      // baseline 0: z = (x, 0.5 − x), z′ = (0, 0.5); m₀ = 1 (x > 0; 0 at x = 0), m₁ = 1 for x ≤ 0.5, 0.5/x above
      const expected = x0.map((v, p) => {
        const m0 = v > 0 ? 1 : 0;
        const m1 = v <= 0.5 ? 1 : 0.5 / v;
        return v * (m0 * W[p][0][c] - m1 * W[p][1][c]);
      });
      close(a[b], expected, `sample ${b}`);
      assert.ok(Math.abs((r.delta as number[])[b]) < 1e-4, `delta ${(r.delta as number[])[b]}`);
    });
    r.dispose();
  });
  x.dispose();
});

test("deepLift through max-pooling and on the MLP: completeness holds", () => {
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({
    filters: 2,
    kernelSize: 2,
    padding: "same",
    activation: "relu",
    kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
  });
  const pool = tf.layers.maxPooling2d({ poolSize: 2 });
  const dense = tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) });
  const model = tf.model({
    inputs: input,
    outputs: dense.apply(tf.layers.flatten().apply(pool.apply(conv.apply(input)))) as tf.SymbolicTensor,
  });
  const x = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 5);
  const small = mlp();
  const xs = xTensor();
  withLeakCheck(() => {
    // baseline 0 gives o′ = relu(bias) ≤ o everywhere, where captum's pool rule is exact
    const r = deepLift(model, x);
    (r.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4, `delta ${d}`));
    r.dispose();
    const m = deepLift(small, xs);
    (m.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4, `mlp delta ${d}`));
    m.dispose();
    // a skip connection, and a nested model whose inner ReLU conv is rewritten too
    for (const make of [residualModel, nestedModel]) {
      const net = make();
      const img = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 9);
      const r8 = deepLift(net, img);
      (r8.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4, `${net.name} delta ${d}`));
      r8.dispose();
      img.dispose();
      net.dispose();
    }
  });
  tf.dispose([x, xs]);
});

test("deepLift names a layer it cannot handle", () => {
  const input = tf.input({ shape: [3, 3, 1] });
  const model = tf.model({
    inputs: input,
    outputs: tf.layers
      .dense({ units: 2, activation: "softmax", name: "probs" })
      .apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor,
  });
  const x = xTensor();
  assert.throws(
    () => deepLift(model, x),
    /deepLift cannot handle layer "probs" \(Dense with activation "softmax"\)/,
  );
  x.dispose();
});

test("gradientShap: one reference and no noise is (x − b) ⊙ grad on a linear model; deltas vanish; seeded", () => {
  const input = tf.input({ shape: [3, 3, 1] });
  const dense = tf.layers.dense({ units: 2, name: "lin" });
  const model = tf.model({
    inputs: input,
    outputs: dense.apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor,
  });
  dense.setWeights([tf.tensor2d(V), tf.tensor1d(C)]);
  const x = xTensor();
  const baselines = tf.fill([2, 3, 3, 1], 0.25);
  withLeakCheck(() => {
    const r = gradientShap(model, x, { baselines, samples: 4, targets: 1 });
    const a = r.attributions.arraySync().map((s) => s.flat(2));
    X.forEach((x0, b) =>
      close(
        a[b],
        x0.map((v, i) => (v - 0.25) * V[i][1]),
        `sample ${b}`,
      ),
    );
    (r.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4));
    r.dispose();
    const noisy = [1, 1].map(() =>
      gradientShap(model, x, { baselines, samples: 3, stdevs: 0.1, seed: 4, targets: 1 }),
    );
    assert.deepEqual(
      noisy[0].attributions.arraySync(),
      noisy[1].attributions.arraySync(),
      "same seed, same result",
    );
    noisy.forEach((n) => n.dispose());
  });
  tf.dispose([x, baselines]);
});

test("noiseTunnel around inputXGradient: stdevs 0 is the method; smoothgrad_sq − smoothgrad² = vargrad", () => {
  const model = mlp();
  const x = xTensor();
  withLeakCheck(() => {
    const plain = inputXGradient(model, x);
    const quiet = noiseTunnel(inputXGradient, { samples: 3, stdevs: 0 })(model, x, {});
    close(quiet.attributions.dataSync(), Array.from(plain.attributions.dataSync()), "stdevs 0");
    assert.match(quiet.method, /NoiseTunnel\(smoothgrad, 3 samples, σ 0\) of InputXGradient/);
    const kinds = (["smoothgrad", "smoothgrad_sq", "vargrad"] as const).map((type) =>
      noiseTunnel(inputXGradient, { type, samples: 6, stdevs: 0.2, seed: 1 })(model, x, {}),
    );
    const [m, sq, v] = kinds.map((k) => Array.from(k.attributions.dataSync()));
    close(
      v,
      sq.map((s, i) => s - m[i] ** 2),
      "vargrad",
      1e-5,
    );
    assert.deepEqual(kinds[0].classes, plain.classes, "targets from the clean input");
    [plain, quiet, ...kinds].forEach((r) => r.dispose());
    // around integratedGradients, the convergence deltas are averaged over the copies
    const ig = noiseTunnel<IntegratedGradientsOptions>(integratedGradients, { samples: 2, stdevs: 0.05 })(
      model,
      x,
      { steps: 64 },
    );
    assert.equal(ig.delta?.length, 2);
    ig.dispose();
  });
  assert.throws(
    () => noiseTunnel(inputXGradient, { type: "smoothgrad_square" as never }),
    /noise tunnel type must be one of/,
  );
  x.dispose();
});

test("layerIntegratedGradients and layerConductance on the hand model's conv: (A(x) − A(0)) ⊙ W, delta 0", () => {
  const model = handModel();
  const x = inputTensor();
  withLeakCheck(() => {
    for (const method of [layerIntegratedGradients, layerConductance]) {
      // riemann_trapezoid's points include both ends, so conductance's telescoping sum is exact
      const r = method(model, x, {
        layer: "feat",
        targets: [0, 1, 1],
        steps: 8,
        method: "riemann_trapezoid",
      });
      assert.deepEqual(r.attributions.shape, [3, 3, 3, 2]);
      const a = r.attributions.arraySync().map((s) => s.flat(2));
      INPUTS.forEach((x0, b) => {
        const c = [0, 1, 1][b];
        const expected = x0.flatMap((v, p) => [relu(v) * W[p][0][c], (relu(0.5 - v) - 0.5) * W[p][1][c]]);
        close(a[b], expected, `${method.name} sample ${b}`);
        assert.ok(Math.abs((r.delta as number[])[b]) < 1e-4);
      });
      r.dispose();
    }
  });
  const start = tf.memory().numTensors;
  assert.throws(
    () => layerConductance(model, x, { layer: "flat" }),
    /layer "flat" outputs \[batch,18\]; these attributions need \[batch, height, width, channels\]/,
  );
  assert.equal(tf.memory().numTensors, start, "no leak on the error");
  x.dispose();
});

test("bad input: unknown options, a mask of the wrong size, a target function of the wrong shape", () => {
  const model = mlp();
  const x = xTensor();
  const start = tf.memory().numTensors;
  assert.throws(
    () => occlusion(model, x, { window: [2, 2], stride: 1 } as never),
    /occlusion: unknown option "stride"; known: targets, batchSize, output, baseline, perturbationsPerEval, window, strides/,
  );
  assert.throws(
    () => inputXGradient(model, x, { baseline: 0 } as never),
    /inputXGradient: unknown option "baseline"/,
  );
  assert.throws(
    () => gradientShap(model, x, { nSamples: 3 } as never),
    /gradientShap: unknown option "nSamples"; known: .*samples/,
  );
  assert.throws(() => deepLift(model, x, { baselines: 0 } as never), /deepLift: unknown option "baselines"/);
  assert.throws(
    () => layerConductance(model, x, { layer: "hidden", nSteps: 5 } as never),
    /layerConductance: unknown option "nSteps"/,
  );
  assert.throws(
    () => noiseTunnel(inputXGradient, { nt_samples: 4 } as never),
    /noiseTunnel: unknown option "nt_samples"/,
  );
  const wrongMask = tf.zeros([3, 2]);
  assert.throws(
    () => featureAblation(model, x, { featureMask: wrongMask }),
    /featureMask of shape \[3,2\] does not fit the input \[2, 3, 3, 1\]: expected \[3, 3\], \[3, 3, 1\], \[2, 3, 3\] or \[2, 3, 3, 1\]/,
  );
  wrongMask.dispose();
  assert.throws(
    () => featureAblation(model, x, { featureMask: [[0, 1]] } as never),
    /featureMask must be a tf.Tensor of integer feature ids/,
  );
  // a batched target function must give one score per row; a per-sample one, a scalar
  const wholeOutput = (out: tf.Tensor) => out;
  for (const call of [
    () => occlusion(model, x, { window: [2, 2], targets: wholeOutput }),
    () => inputXGradient(model, x, { targets: wholeOutput }),
    () => featureAblation(model, x, { targets: wholeOutput }),
  ]) {
    assert.throws(
      call,
      /a target function must return one score per output row, shape \[\d+\]; got shape \[\d+,2\]/,
    );
  }
  assert.throws(
    () => deepLift(model, x, { targets: [0, (row: tf.Tensor) => row] }),
    /the target of sample 1 must return one score \(a scalar\) for that sample's output \[2\]; got shape \[2\]/,
  );
  assert.throws(
    () => occlusion(model, x, { window: [2, 2], baseline: tf.zeros([2, 2]) }),
    /baseline of shape \[2,2\] does not fit the input \[2,3,3,1\]/,
  );
  assert.equal(tf.memory().numTensors, start + 1, "only the stray baseline the test made");
  x.dispose();
});
