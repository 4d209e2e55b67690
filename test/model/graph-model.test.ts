// The GraphModel adapter on a small frozen graph with hand-known structure (conv → relu → maxpool → reshape →
// dense → softmax): guided backprop against the same network written with tf ops, and the errors a graph can
// cause: an op without a gradient, ops that need executeAsync.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { tf, guidedBackprop, vanillaGradients, GradCAM, featureMaps, summary } from "../../src/index";
import { b64, loadTinyGraphModel } from "../summary/graph-fixture";

let g: tf.GraphModel;
let x: tf.Tensor4D;
before(async () => {
  g = await loadTinyGraphModel();
  x = tf.randomUniform([2, 8, 8, 3], -1, 1, "float32", 4) as tf.Tensor4D;
});

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

/** The same network from its weights, with the guided gate written out: backward R·1[x>0]·1[R>0]. */
function guidedByHand(targets: number[]): tf.Tensor {
  const w = (name: string) => g.weights[name][0];
  const gate = tf.customGrad(((y: tf.Tensor) => ({
    value: tf.clone(y),
    gradFunc: (dy: tf.Tensor) => tf.relu(dy),
  })) as never) as (y: tf.Tensor) => tf.Tensor;
  return tf.tidy(() =>
    tf.grad((input: tf.Tensor) => {
      const conv = tf.add(
        tf.conv2d(input as tf.Tensor4D, w("model/conv1/kernel") as tf.Tensor4D, 1, "same"),
        w("model/conv1/bias"),
      );
      const pooled = tf.maxPool(gate(tf.relu(conv)) as tf.Tensor4D, 2, 2, "valid");
      const logits = tf.add(
        tf.matMul(pooled.reshape([-1, 64]), w("model/dense/kernel") as tf.Tensor2D),
        w("model/dense/bias"),
      );
      return tf.sum(tf.mul(logits, tf.oneHot(targets, 5)));
    })(x),
  );
}

test("guided backprop on a GraphModel equals the guided rule written out by hand", () => {
  const start = tf.memory().numTensors;
  const guided = guidedBackprop(g, x, { targets: [1, 3], output: "model/dense/BiasAdd" });
  const expected = guidedByHand([1, 3]);
  assert.ok(maxAbs(guided.attributions, expected) < 1e-6);
  const vanilla = vanillaGradients(g, x, { targets: [1, 3], output: "dense/BiasAdd" });
  assert.ok(maxAbs(vanilla.attributions, expected) > 1e-3, "the gate changes the answer on this input");
  tf.dispose(expected);
  guided.dispose();
  vanilla.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("a node's weights: the constants a graph op reads, a layer's variables", async () => {
  const { inspectModel, models } = await import("../../src/index");
  const weights = inspectModel(g).weights(inspectModel(g).resolve("model/conv1/BiasAdd"));
  assert.deepEqual(
    weights.map((w) => [w.name, w.value.shape]),
    [["model/conv1/bias", [4]]],
  );
  const cnn = models.smallCnn();
  const layerWeights = inspectModel(cnn).weights(inspectModel(cnn).resolve("conv1"));
  assert.deepEqual(
    layerWeights.map((w) => w.value.shape),
    [[3, 3, 1, 16], [16]],
  );
  cnn.dispose();
});

test("an index counts the summary's depth-1 rows", () => {
  const maps = featureMaps(g, 1, x); // 0 conv1, 1 pool
  assert.equal(maps.layerName, "model/pool/MaxPool");
  assert.deepEqual(maps.activations.shape, [2, 4, 4, 4]);
  maps.dispose();
  assert.deepEqual(
    summary(g, { inputSize: [1, 8, 8, 3] })
      .rows.filter((r) => r.depth === 1)
      .map((r) => r.name),
    ["conv1", "pool", "flatten", "dense", "Identity"],
  );
});

test("an op without a gradient is named, with the path around it", async () => {
  const withEinsum = await loadTinyGraphModel((nodes) => [
    ...nodes.map((n) =>
      n.name === "model/flatten/Reshape" ? { ...n, input: ["model/mix/Einsum", "model/flatten/shape"] } : n,
    ),
    {
      name: "model/mix/Einsum",
      op: "Einsum",
      input: ["model/pool/MaxPool"],
      attr: { equation: { s: b64("abcd->abcd") }, N: { i: "1" }, T: { type: "DT_FLOAT" } },
    },
  ]);
  const path =
    /the gradient cannot pass through op "Einsum" \(node "model\/mix\/Einsum", on the path "model\/pool\/MaxPool" → "model\/mix\/Einsum" → "model\/flatten\/Reshape"\)/;
  assert.throws(() => vanillaGradients(withEinsum, x, { targets: [0, 0] }), path);
  assert.throws(
    () => new GradCAM(withEinsum, { targetLayer: "conv1" }).compute(x, { targets: [0, 0] }),
    path,
  );
  // (tfjs keeps the tensors its tape saved when a backward pass fails part-way: not asserted here)
  // the CAM at a layer after the op has a gradient
  const after = new GradCAM(withEinsum, { targetLayer: "conv1", output: "model/mix/Einsum" });
  assert.ok(after, "scoring a node before the op is allowed");
  withEinsum.dispose();
});

test("a graph with ops that need executeAsync is a clear error at the call", async () => {
  const withWhere = await loadTinyGraphModel((nodes) => [
    ...nodes,
    {
      name: "model/boxes/Where",
      op: "Where",
      input: ["model/conv1/Relu"],
      attr: { T: { type: "DT_FLOAT" } },
    },
  ]);
  assert.throws(
    () => featureMaps(withWhere, "conv1", x),
    /this GraphModel has control-flow or dynamic ops that tfjs runs only with executeAsync: "model\/boxes\/Where" \(Where\)/,
  );
  withWhere.dispose();
});

test("models.freeze writes a Sequential CNN as a frozen graph; saveModel/loadModel round-trip both kinds", async () => {
  const { models, saveModel, loadModel } = await import("../../src/index");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const cnn = models.smallCnn() as tf.Sequential;
  const frozen = await models.freeze(cnn);
  const dir = mkdtempSync(join(tmpdir(), "tensorscope-save-"));
  try {
    const layersBack = (await loadModel(await saveModel(cnn, join(dir, "layers")))) as tf.LayersModel;
    const graphBack = (await loadModel(await saveModel(frozen, join(dir, "graph")))) as tf.GraphModel;
    assert.ok(layersBack instanceof tf.LayersModel && graphBack instanceof tf.GraphModel);
    const input = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 8);
    const expected = cnn.predict(input) as tf.Tensor;
    for (const m of [frozen, layersBack, graphBack]) {
      const got = m.predict(input) as tf.Tensor;
      assert.ok(maxAbs(got, expected) < 1e-6);
      got.dispose();
    }
    assert.deepEqual(
      summary(graphBack)
        .rows.filter((r) => r.depth === 1)
        .map((r) => r.name),
      ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "dense", "Identity"],
    );
    tf.dispose([input, expected]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deletion/insertion curves and gradient ascent give the same answers on a LayersModel and its frozen graph", async () => {
  const { models, deletionCurve, insertionCurve, gradientAscent } = await import("../../src/index");
  const cnn = models.smallCnn({ seed: 2 } as never) as tf.Sequential;
  const frozen = await models.freeze(cnn);
  const images = tf.randomUniform([2, 28, 28, 1], 0, 1, "float32", 12) as tf.Tensor4D;
  const maps = tf.randomUniform([2, 28, 28], 0, 1, "float32", 13);
  const start = tf.memory().numTensors;
  for (const curve of [deletionCurve, insertionCurve]) {
    const onLayers = curve(cnn, images, maps, { steps: 4 });
    const onGraph = curve(frozen, images, maps, { steps: 4 });
    onGraph.curves.flat().forEach((v, i) => assert.ok(Math.abs(v - onLayers.curves.flat()[i]) < 1e-5));
  }
  const options = { steps: 3, seed: 1 };
  for (const objective of [{ class: 3 }, { layer: "conv2", filter: [0, 5] }]) {
    const onLayers = gradientAscent(cnn, objective, options);
    const onGraph = gradientAscent(frozen, objective, options);
    assert.ok(maxAbs(onLayers.images, onGraph.images) < 1e-4, JSON.stringify(objective));
    onLayers.dispose();
    onGraph.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
  tf.dispose([images, maps]);
  frozen.dispose();
});
