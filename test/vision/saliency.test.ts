import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { vanillaGradients, guidedBackprop, smoothGrad, integratedGradients } from "../../src/vision/saliency";
import { DISPLAY_SYMBOL } from "../../src/display";

function setWeights(layer: tf.layers.Layer, values: number[][]): void {
  const tensors = values.map((v, i) => tf.tensor(v, layer.getWeights()[i].shape));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

/** 1x1 conv (weight 1, no bias) → ReLU (as the conv's activation or its own layer) → flatten → dense W [4, 2]. */
function reluNet(reluAs: "activation" | "layer" | "Activation"): tf.Sequential {
  const layers: tf.layers.Layer[] = [
    tf.layers.conv2d({
      inputShape: [2, 2, 1],
      filters: 1,
      kernelSize: 1,
      useBias: false,
      activation: reluAs === "activation" ? "relu" : "linear",
      name: "conv",
    }),
  ];
  if (reluAs === "layer") layers.push(tf.layers.reLU({ name: "relu" }));
  if (reluAs === "Activation") layers.push(tf.layers.activation({ activation: "relu", name: "act" }));
  layers.push(tf.layers.flatten({}), tf.layers.dense({ units: 2, useBias: false, name: "fc" }));
  const model = tf.sequential({ layers });
  setWeights(model.getLayer("conv"), [[1]]);
  // column 1 (class 1) = [2, -4, -6, 8]
  setWeights(model.getLayer("fc"), [[1, 2, 1, -4, 1, -6, 1, 8]]);
  return model;
}

const x = () => tf.tensor4d([1, 1, -1, 2], [1, 2, 2, 1]);

function inboundCounts(model: tf.LayersModel): number[] {
  return model.layers.map((l) => (l as unknown as { inboundNodes: unknown[] }).inboundNodes.length);
}

test("vanilla gradients: W[:, c] masked by the ReLU, for the requested class", () => {
  const model = reluNet("activation");
  const input = x();
  const before = tf.memory().numTensors;
  const result = vanillaGradients(model, input, { targets: [1] });
  // d/dx Σ_i W[i,1]·relu(x_i) = W[:,1] · 1[x > 0] = [2, -4, 0, 8]
  assert.deepEqual([...result.attributions.dataSync()], [2, -4, 0, 8]);
  assert.deepEqual(result.classes, [1]);
  assert.deepEqual(result.scores, [2 - 4 + 16]);
  // map: |a| max over channels / max → [0.25, 0.5, 0, 1]
  assert.deepEqual([...result.map.dataSync()], [0.25, 0.5, 0, 1]);
  result.dispose();
  // a target function of the output: 2 · class 1 doubles the gradient; the default target is the top class
  const twice = vanillaGradients(model, input, {
    targets: (out) => out.slice([0, 1], [-1, 1]).squeeze([1]).mul(2),
  });
  assert.deepEqual([...twice.attributions.dataSync()], [4, -8, 0, 16]);
  assert.equal(twice.classes, null);
  assert.deepEqual(twice.scores, [28]);
  const top = vanillaGradients(model, input);
  assert.deepEqual(top.classes, [1]); // class 0 scores 1 + 1 + 2 = 4 < 14
  [twice, top].forEach((r) => r.dispose());
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
  model.dispose();
});

test("guided backprop keeps R·1[x>0]·1[R>0] for every way of writing the ReLU, and leaves the model as it was", () => {
  for (const reluAs of ["activation", "layer", "Activation"] as const) {
    const model = reluNet(reluAs);
    const input = x();
    const nodes = inboundCounts(model);
    const weights = model.getWeights().map((w) => w.arraySync());
    const vanillaBefore = vanillaGradients(model, input, { targets: [1] });
    const before = tf.memory().numTensors;
    const guided = guidedBackprop(model, input, { targets: [1] });
    assert.deepEqual([...guided.attributions.dataSync()], [2, 0, 0, 8], reluAs);
    guided.dispose();
    assert.equal(tf.memory().numTensors, before, `${reluAs}: no leak`);
    const vanillaAfter = vanillaGradients(model, input, { targets: [1] });
    assert.deepEqual([...vanillaAfter.attributions.dataSync()], [...vanillaBefore.attributions.dataSync()]);
    assert.deepEqual(inboundCounts(model), nodes);
    assert.deepEqual(
      model.getWeights().map((w) => w.arraySync()),
      weights,
    );
    [vanillaBefore, vanillaAfter].forEach((r) => r.dispose());
    input.dispose();
    model.dispose();
  }
});

/** conv (linear activation, the conv → BN pattern of ResNet) → BN → relu → GAP → dense softmax. */
function convBnNet(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: "same", useBias: false }),
      tf.layers.batchNormalization({}),
      tf.layers.reLU({}),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3, activation: "softmax" }),
    ],
  });
}

test("input gradients never compute filter gradients nor use gather", async () => {
  const model = convBnNet();
  const input = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 1);
  const profile = await tf.profile(() => {
    const r = vanillaGradients(model, input, { targets: [0, 2] });
    r.dispose();
  });
  const kernels = profile.kernelNames;
  assert.ok(kernels.includes("Conv2DBackpropInput"), `kernels: ${kernels.join(", ")}`);
  for (const bad of ["Conv2DBackpropFilter", "GatherV2", "UnsortedSegmentSum"]) {
    assert.ok(!kernels.includes(bad), `${bad} ran: ${kernels.join(", ")}`);
  }
  input.dispose();
  model.dispose();
});

test("SmoothGrad is seeded, independent of batch size, and equals the gradient on a linear model", () => {
  const model = convBnNet();
  const input = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 2);
  const a = smoothGrad(model, input, { samples: 6, seed: 3, batchSize: 2 });
  const b = smoothGrad(model, input, { samples: 6, seed: 3, batchSize: 12 });
  const c = smoothGrad(model, input, { samples: 6, seed: 4 });
  const diff = tf.tidy(() => tf.abs(tf.sub(a.attributions, b.attributions)).max().dataSync()[0]);
  assert.ok(diff < 1e-6, `batch sizes differ by ${diff}`);
  assert.notDeepEqual([...a.attributions.dataSync()], [...c.attributions.dataSync()]);
  const noiseless = smoothGrad(model, input, { samples: 3, noiseLevel: 0 });
  const vanilla = vanillaGradients(model, input);
  const gap = tf.tidy(() => tf.abs(tf.sub(noiseless.attributions, vanilla.attributions)).max().dataSync()[0]);
  assert.ok(gap < 1e-6, `noise 0 differs from vanilla by ${gap}`);
  [a, b, c, noiseless, vanilla].forEach((r) => r.dispose());
  input.dispose();
  model.dispose();

  const linear = reluNet("activation");
  const positive = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]); // far from the ReLU kink: noise 1% of the range
  const sq = smoothGrad(linear, positive, { targets: 1, samples: 4, noiseLevel: 0.01, aggregate: "squared" });
  assert.deepEqual([...sq.attributions.dataSync()], [4, 16, 36, 64]);
  const vg = smoothGrad(linear, positive, {
    targets: 1,
    samples: 4,
    noiseLevel: 0.01,
    aggregate: "variance",
  });
  assert.deepEqual([...vg.attributions.dataSync()], [0, 0, 0, 0]);
  [sq, vg].forEach((r) => r.dispose());
  positive.dispose();
  linear.dispose();
});

/** A smooth model: conv tanh → GAP → dense → softmax. */
function smoothNet(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [6, 6, 2],
        filters: 3,
        kernelSize: 3,
        activation: "tanh",
        kernelInitializer: tf.initializers.glorotNormal({ seed: 5 }),
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({
        units: 3,
        activation: "softmax",
        kernelInitializer: tf.initializers.glorotNormal({ seed: 6 }),
      }),
    ],
  });
  return model;
}

test("Integrated Gradients is complete: Σ attributions ≈ f(x) − f(baseline)", () => {
  const model = smoothNet();
  const input = tf.randomUniform([2, 6, 6, 2], -2, 2, "float32", 7);
  const before = tf.memory().numTensors;
  const ig = integratedGradients(model, input, { steps: 32 });
  const f = (t: tf.Tensor) => tf.tidy(() => (model.predict(t) as tf.Tensor).arraySync() as number[][]);
  const fx = f(input);
  const zeros = tf.zerosLike(input);
  const fb = f(zeros);
  const sums = tf.tidy(() => ig.attributions.sum([1, 2, 3]).arraySync() as number[]);
  ig.classes!.forEach((c, i) => {
    const gap = fx[i][c] - fb[i][c];
    assert.ok(
      Math.abs(sums[i] - gap) < 1e-4 * Math.max(1, Math.abs(gap)) + 1e-5,
      `sample ${i}: ${sums[i]} vs ${gap}`,
    );
    assert.ok(Math.abs(ig.delta![i] - (sums[i] - gap)) < 1e-5);
  });
  // chunking the path into passes changes nothing
  const chunked = integratedGradients(model, input, { steps: 32, batchSize: 3 });
  const gapChunks = tf.tidy(() => tf.abs(tf.sub(chunked.attributions, ig.attributions)).max().dataSync()[0]);
  assert.ok(gapChunks < 1e-6, `batchSize 3 vs 16 differ by ${gapChunks}`);
  chunked.dispose();
  // Riemann sums converge too, more slowly
  const coarse = integratedGradients(model, input, { steps: 4, method: "riemann_trapezoid" });
  const fine = integratedGradients(model, input, { steps: 64, method: "riemann_trapezoid" });
  assert.ok(Math.abs(fine.delta![0]) < Math.abs(coarse.delta![0]));
  [ig, coarse, fine].forEach((r) => r.dispose());
  zeros.dispose();
  assert.equal(tf.memory().numTensors, before);
  input.dispose();
  model.dispose();
});

test("Integrated Gradients on a linear score is (x − baseline) · W, whatever the baseline", () => {
  const model = reluNet("activation");
  const input = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
  const baseline = tf.tensor3d([0.5, 0.5, 0.5, 0.5], [2, 2, 1]); // all positive: the ReLU stays linear on the path
  const ig = integratedGradients(model, input, { targets: [1], baseline, steps: 3 });
  assert.deepEqual([...ig.attributions.dataSync()], [0.5 * 2, 1.5 * -4, 2.5 * -6, 3.5 * 8]);
  ig.dispose();
  tf.dispose([input, baseline]);
  model.dispose();
});

test("results display as input, map and overlay panels", () => {
  const model = smoothNet();
  const input = tf.randomUniform([2, 6, 6, 2], 0, 1, "float32", 8);
  const result = vanillaGradients(model, input);
  const bundle = result[DISPLAY_SYMBOL]();
  assert.match(bundle["text/plain"], /^vanilla gradients saliency 2x6x6x2 for classes \[\d, \d\]$/);
  assert.ok((bundle["image/png"] as string).length > 100);
  assert.equal(result.image.width > 3 * 96, true);
  result.dispose();
  // drawn on first use: a result disposed before that says so
  const late = vanillaGradients(model, input);
  late.dispose();
  assert.throws(() => late.png(), /this saliency result was disposed before it was drawn/);
  input.dispose();
  model.dispose();
});

test("wrong targets, a wrong input and bad options are clear errors without leaks", () => {
  const model = reluNet("activation");
  const input = x();
  const before = tf.memory().numTensors;
  assert.throws(
    () => vanillaGradients(model, input, { targets: [0, 1] }),
    /got 2 target\(s\) for a batch of 1/,
  );
  assert.throws(
    () => vanillaGradients(model, input, { targets: [2] }),
    /target 2 for sample 0 is outside the model output: expected an integer in 0..1/,
  );
  assert.throws(() => guidedBackprop(model, tf.zeros([2, 2])), /input of shape \[2, 2\] does not fit model/);
  assert.throws(() => smoothGrad(model, input, { samples: 0 }), /samples must be a positive integer, got 0/);
  assert.throws(
    () => integratedGradients(model, input, { method: "simpson" as never }),
    /unknown integration method "simpson"/,
  );
  assert.throws(
    () => integratedGradients(model, input, { baseline: tf.zeros([3, 3, 1]) }),
    /baseline of shape \[3,3,1\] does not fit/,
  );
  assert.equal(tf.memory().numTensors, before + 2); // the two zeros tensors made here
  input.dispose();
  model.dispose();
});
