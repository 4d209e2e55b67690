// captum's attributions on GraphModels: a frozen twin of a hand-computable LayersModel (models.freeze writes the
// graph tfjs-converter would: MatMul, BiasAdd, Relu ops) gives the hand-computed answers and the LayersModel's
// results; a conv twin checks the layer methods at a graph node; the real converted MobileNetV2 (nsfwjs) checks
// completeness on a model with fused ops (deepLift splits a fused conv's activation off), and the node deepLift
// cannot handle is named.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { tf, models } from "../../src/index";
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
import type { SaliencyResult } from "../../src/vision/saliency-result";
import {
  X,
  close,
  deepLiftOracle,
  featureAblationOracle,
  inputXGradientOracle,
  occlusionOracle,
  sequentialMlp,
  withLeakCheck,
  xTensor,
} from "./attribution-fixtures";
import { loadNsfwjs, LAST_CONV, LOGITS } from "../model/nsfwjs-fixture";

type Method = (model: tf.LayersModel | tf.GraphModel, x: tf.Tensor) => SaliencyResult;

/** The attributions per sample, flattened; the result is disposed. */
function flat(r: SaliencyResult): number[][] {
  const values = r.attributions.arraySync().map((s) => s.flat(2));
  r.dispose();
  return values;
}

/** The method on the LayersModel and on its GraphModel twin: the same attributions and deltas. */
function sameOnBoth(
  layers: tf.LayersModel,
  graph: tf.GraphModel,
  x: tf.Tensor,
  method: Method,
  what: string,
) {
  const a = method(layers, x);
  const b = method(graph, x);
  close(b.attributions.dataSync(), Array.from(a.attributions.dataSync()), `${what}: graph vs layers`, 1e-5);
  assert.deepEqual(b.classes, a.classes, `${what}: classes`);
  if (a.delta) close(b.delta ?? [], a.delta, `${what}: delta`, 1e-5);
  a.dispose();
  b.dispose();
}

describe("on the frozen twin of the MLP (Placeholder → Reshape → MatMul → BiasAdd → Relu → MatMul)", () => {
  let layers: tf.Sequential;
  let graph: tf.GraphModel;
  before(async () => {
    layers = sequentialMlp();
    graph = await models.freeze(layers);
  });

  test("inputXGradient and deepLift give the hand-computed answers", () => {
    const x = xTensor();
    withLeakCheck(() => {
      const ixg = flat(inputXGradient(graph, x));
      const dl = deepLift(graph, x);
      const lifted = dl.attributions.arraySync().map((s) => s.flat(2));
      X.forEach((x0, b) => {
        close(ixg[b], inputXGradientOracle(x0), `inputXGradient sample ${b}`);
        close(lifted[b], deepLiftOracle(x0), `deepLift sample ${b}`);
        assert.ok(Math.abs((dl.delta as number[])[b]) < 1e-4, `deepLift delta ${(dl.delta as number[])[b]}`);
      });
      dl.dispose();
    });
    x.dispose();
  });

  test("occlusion (every perturbationsPerEval) and featureAblation: the score drops by hand", () => {
    const x = xTensor();
    const mask = tf.tensor2d([
      [0, 0, 1],
      [1, 2, 2],
      [2, 2, 2],
    ]);
    withLeakCheck(() => {
      for (const perturbationsPerEval of [1, 3, 4]) {
        const a = flat(
          occlusion(graph, x, { window: [2, 2], strides: 1, baseline: 0.5, perturbationsPerEval }),
        );
        X.forEach((x0, b) =>
          close(a[b], occlusionOracle(x0, 0.5), `occlusion sample ${b}, ${perturbationsPerEval} per eval`),
        );
      }
      const ablated = flat(featureAblation(graph, x, { featureMask: mask }));
      const ids = mask.arraySync().flat();
      X.forEach((x0, b) => close(ablated[b], featureAblationOracle(x0, ids), `featureAblation sample ${b}`));
    });
    tf.dispose([x, mask]);
  });

  test("every method: the same result as on the LayersModel, no leaks", () => {
    const x = xTensor();
    const baselines = tf.randomUniform([3, 3, 3, 1], 0, 1, "float32", 3);
    withLeakCheck(() => {
      sameOnBoth(layers, graph, x, (m, t) => inputXGradient(m, t), "inputXGradient");
      sameOnBoth(layers, graph, x, (m, t) => occlusion(m, t, { window: [2, 2], strides: 1 }), "occlusion");
      sameOnBoth(layers, graph, x, (m, t) => featureAblation(m, t), "featureAblation");
      sameOnBoth(
        layers,
        graph,
        x,
        (m, t) => gradientShap(m, t, { baselines, samples: 6, stdevs: 0.1, seed: 2 }),
        "gradientShap",
      );
      sameOnBoth(layers, graph, x, (m, t) => deepLift(m, t, { baseline: 0.3 }), "deepLift");
      sameOnBoth(
        layers,
        graph,
        x,
        (m, t) => noiseTunnel(deepLift, { samples: 3, stdevs: 0.1, seed: 5 })(m, t, {}),
        "noiseTunnel(deepLift)",
      );
    });
    tf.dispose([x, baselines]);
  });
});

describe("layer attributions at a graph node (the frozen twin of conv(2x2, relu) → flatten → dense)", () => {
  test("layerIntegratedGradients and layerConductance: the LayersModel's answer, deltas 0", async () => {
    const cnn = tf.sequential({ name: "cnn" });
    cnn.add(
      tf.layers.conv2d({
        inputShape: [3, 3, 1],
        filters: 2,
        kernelSize: 2,
        activation: "relu",
        name: "conv",
        kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
        biasInitializer: tf.initializers.constant({ value: 0.1 }),
      }),
    );
    cnn.add(tf.layers.flatten({ name: "flat" }));
    cnn.add(
      tf.layers.dense({
        units: 2,
        name: "out",
        kernelInitializer: tf.initializers.randomNormal({ seed: 2 }),
      }),
    );
    const graph = await models.freeze(cnn);
    const x = xTensor();
    withLeakCheck(() => {
      for (const method of [layerIntegratedGradients, layerConductance]) {
        // "conv" names the layer of the LayersModel and the name scope of the graph (its output, cnn/conv/Relu)
        const run: Method = (m, t) => method(m, t, { layer: "conv", steps: 8, method: "riemann_trapezoid" });
        sameOnBoth(cnn, graph, x, run, method.name);
        const r = run(graph, x);
        assert.deepEqual(r.attributions.shape, [2, 2, 2, 2]);
        assert.match(r.method, /at "cnn\/conv\/Relu"/);
        // the rest of the network after the layer is linear: both are exact
        (r.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4, `${method.name} delta ${d}`));
        r.dispose();
      }
    });
    x.dispose();
    cnn.dispose();
  });
});

test("deepLift through Conv2D → BiasAdd → Relu → MaxPool ops: the LayersModel's answer, delta 0", async () => {
  const cnn = tf.sequential({ name: "pooled" });
  cnn.add(
    tf.layers.conv2d({
      inputShape: [4, 4, 1],
      filters: 2,
      kernelSize: 2,
      padding: "same",
      activation: "relu",
      name: "conv",
      kernelInitializer: tf.initializers.randomNormal({ seed: 1 }),
    }),
  );
  cnn.add(tf.layers.maxPooling2d({ poolSize: 2, name: "pool" }));
  cnn.add(tf.layers.flatten({ name: "flat" }));
  cnn.add(
    tf.layers.dense({ units: 3, name: "out", kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }),
  );
  const graph = await models.freeze(cnn);
  const x = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 5);
  withLeakCheck(() => {
    sameOnBoth(cnn, graph, x, (m, t) => deepLift(m, t), "deepLift with max-pooling");
    // baseline 0 gives o′ = relu(bias) ≤ o everywhere, where captum's pool rule is exact
    const r = deepLift(graph, x);
    (r.delta as number[]).forEach((d) => assert.ok(Math.abs(d) < 1e-4, `delta ${d}`));
    r.dispose();
  });
  x.dispose();
  cnn.dispose();
});

describe("on the converted MobileNetV2 of nsfwjs (fused conv ops, uint8 weights)", () => {
  let g: tf.GraphModel;
  let x: tf.Tensor4D;
  before(async () => {
    g = (await loadNsfwjs("mobilenet_v2_mid")) as tf.GraphModel;
    x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  });

  /** f(x) − f(baseline) on the logits, computed here with the model's own execute. */
  function gap(baseline: number, target: number): number {
    return tf.tidy(() => {
      const at = (t: tf.Tensor) => (g.execute(t, LOGITS) as tf.Tensor).dataSync()[target];
      return at(x) - at(tf.fill(x.shape, baseline));
    });
  }

  /** Σ attributions = f(x) − f(x′) + the reported delta (baseline 0.5, class 1); where `exact`, the delta is ~0. */
  function assertComplete(r: SaliencyResult, what: string, exact: boolean): void {
    const total = tf.tidy(() => r.attributions.sum().dataSync()[0]);
    const expected = gap(0.5, 1);
    const delta = (r.delta as number[])[0];
    const tolerance = 1e-3 * Math.max(1, Math.abs(expected));
    assert.ok(Math.abs(total - expected - delta) < tolerance, `${what}: delta as reported`);
    if (exact) assert.ok(Math.abs(delta) < tolerance, `${what} delta ${delta} of ${expected}`);
  }

  test("completeness: Σ attributions = f(x) − f(x′) + delta (layer IG at the last conv, gradientShap)", () => {
    const start = tf.memory().numTensors;
    const options = { targets: 1, output: LOGITS };
    // after Conv_1's ReLU6 come only the average pool and the dense logits: layer IG is exact there
    const lig = layerIntegratedGradients(g, x, { ...options, layer: LAST_CONV, steps: 4, baseline: 0.5 });
    assert.deepEqual(lig.attributions.shape, [1, 7, 7, 1792]);
    assertComplete(lig, "layer IG", true);
    lig.dispose();
    // gradientShap's delta is Σ attributions − (f(x) − f(b)) per draw, averaged: with one baseline, checkable here
    const shap = gradientShap(g, x, { ...options, samples: 2, baselines: 0.5 });
    assertComplete(shap, "gradientShap", false);
    shap.dispose();
    assert.equal(tf.memory().numTensors, start, "no tensor leaks");
  });

  test("inputXGradient, occlusion, featureAblation, layerConductance and noiseTunnel run on it", () => {
    const start = tf.memory().numTensors;
    const options = { targets: 1, output: LOGITS };
    const ixg = inputXGradient(g, x, options);
    assert.deepEqual(ixg.attributions.shape, [1, 224, 224, 3]);
    assert.ok(tf.tidy(() => ixg.attributions.abs().sum().dataSync()[0]) > 0);
    // 4x4 windows of 56 pixels = 16 perturbations; batched or not, the same attributions
    const occ = [16, 5].map((perturbationsPerEval) =>
      occlusion(g, x, { ...options, window: [56, 56], strides: 56, perturbationsPerEval }),
    );
    assert.ok(
      tf.tidy(() => tf.max(tf.abs(tf.sub(occ[0].attributions, occ[1].attributions))).dataSync()[0]) < 1e-4,
    );
    // one group per occlusion window: featureAblation spreads each drop over its window, as occlusion does
    const mask = tf.tidy(() => {
      const cell = tf.range(0, 224).div(56).floor();
      return tf.add(cell.reshape([224, 1]).mul(4), cell.reshape([1, 224])).toInt();
    });
    const ablated = featureAblation(g, x, { ...options, featureMask: mask });
    assert.ok(
      tf.tidy(() => tf.max(tf.abs(tf.sub(ablated.attributions, occ[0].attributions))).dataSync()[0]) < 1e-4,
    );
    const cond = layerConductance(g, x, { ...options, layer: "Conv_1/Relu6", steps: 3 });
    assert.deepEqual(cond.attributions.shape, [1, 7, 7, 1792]);
    const tunnelled = noiseTunnel(inputXGradient, { samples: 2, stdevs: 0.1 })(g, x, options);
    assert.deepEqual(tunnelled.attributions.shape, [1, 224, 224, 3]);
    [ixg, ...occ, ablated, cond, tunnelled].forEach((r) => r.dispose());
    mask.dispose();
    assert.equal(tf.memory().numTensors, start, "no tensor leaks");
  });

  test("deepLift through _FusedConv2D / FusedDepthwiseConv2dNative with ReLU6 fused in: Σ = f(x) − f(x′)", () => {
    const start = tf.memory().numTensors;
    const r = deepLift(g, x, { targets: 1, output: LOGITS, baseline: 0.5 });
    // only linear ops, ReLU6 (fused or not) and AddV2 on the way to the logits: the Rescale rule is exact
    assertComplete(r, "deepLift", true);
    r.dispose();
    assert.equal(tf.memory().numTensors, start, "no tensor leaks");
    // the softmax after the logits is not element-wise: scoring the probabilities names it
    assert.throws(() => deepLift(g, x, { targets: 1 }), /deepLift cannot handle node "[^"]*" \(Softmax\)/);
  });
});
