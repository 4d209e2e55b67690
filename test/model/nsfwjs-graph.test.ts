// A real converted model: the MobileNetV2 GraphModel bundled with nsfwjs (tfjs-converter 1.7.4, uint8-quantized
// weights, _FusedConv2D / FusedDepthwiseConv2dNative nodes, a softmax at the end). Loaded once for the file; one
// image per call. Grad-CAM is checked against one computed here by hand from execute + tf.grad.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  tf,
  featureMaps,
  kernels,
  summary,
  CAM_METHODS,
  GradCAM,
  vanillaGradients,
  smoothGrad,
  guidedBackprop,
  integratedGradients,
  deepLift,
  noiseTunnel,
} from "../../src/index";
import { inspectModel } from "../../src/model";
import { normalizeAndResize } from "../../src/vision/cam/base";
import { loadNsfwjs, LAST_CONV, LOGITS, MOBILENET_SCOPE } from "./nsfwjs-fixture";

let g: tf.GraphModel;
let x: tf.Tensor4D;

before(async () => {
  g = (await loadNsfwjs("mobilenet_v2_mid")) as tf.GraphModel;
  x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 7) as tf.Tensor4D;
});

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe("naming a GraphModel's nodes", () => {
  test("full name, unique suffix and name scope (its output node)", () => {
    const m = inspectModel(g);
    assert.equal(m.resolve(LAST_CONV).name, LAST_CONV);
    assert.equal(m.resolve("Conv_1/Relu6").name, LAST_CONV);
    assert.equal(m.resolve("MobilenetV2/Conv_1").name, LAST_CONV);
    assert.equal(
      m.resolve(`${MOBILENET_SCOPE}/expanded_conv_2`).name,
      `${MOBILENET_SCOPE}/expanded_conv_2/add`,
    );
    assert.equal(
      m.resolve("MobilenetV2/expanded_conv_3").name,
      `${MOBILENET_SCOPE}/expanded_conv_3/project/BatchNorm/FusedBatchNormV3`,
    );
  });

  test("ambiguous and unknown names list the candidates", () => {
    const m = inspectModel(g);
    assert.throws(
      () => m.resolve("Relu6"),
      /node name "Relu6" is ambiguous .* it ends 18 names; .*"[^"]*MobilenetV2\/Conv\/Relu6"/,
    );
    assert.throws(
      () => m.resolve("Conv_1/Relu"),
      /no node or name scope "Conv_1\/Relu" .*nearest names: "[^"]*\/Conv_1\/Relu6"/,
    );
    assert.throws(
      () => m.resolve(25),
      /node index 25 is outside this GraphModel, whose summary has 25 top-level rows/,
    );
    // an index counts the summary's depth-1 rows: 0 is the input scaling, 1 the first conv, 2 expanded_conv, …
    assert.equal(m.resolve(1).name, `${MOBILENET_SCOPE}/Conv/Relu6`);
    assert.equal(m.resolve(3).name, `${MOBILENET_SCOPE}/expanded_conv_1/project/BatchNorm/FusedBatchNormV3`);
  });
});

test("featureMaps: one execute for several nodes, shapes as the graph computes them, no leaks", () => {
  const start = tf.memory().numTensors;
  const names = ["MobilenetV2/Conv/Relu6", "expanded_conv_3/expand/Relu6", "Conv_1/Relu6"];
  const maps = featureMaps(g, names, x);
  const expected = g.execute(
    x,
    names.map((n) => inspectModel(g).resolve(n).name),
  ) as tf.Tensor[];
  assert.deepEqual(
    maps.map((f) => f.activations.shape),
    [
      [1, 112, 112, 48],
      [1, 56, 56, 192],
      [1, 7, 7, 1792],
    ],
  );
  maps.forEach((f, i) => assert.equal(maxAbs(f.activations, expected[i]), 0));
  assert.ok(maps[2].png().length > 1000);
  tf.dispose(expected);
  maps.forEach((f) => f.dispose());
  assert.throws(
    () => featureMaps(g, "dense", x),
    /layer "StatefulPartitionedCall\/sequential\/dense\/BiasAdd" \(_FusedMatMul\) outputs \[1,5\], not feature maps.*"Conv_1\/Relu6"/,
  );
  assert.equal(tf.memory().numTensors, start);
});

test("kernels of a fused conv node (quantized weights, dequantized)", () => {
  const grid = kernels(g, "MobilenetV2/Conv/Relu6");
  assert.deepEqual(grid.weights.shape, [3, 3, 3, 48]);
  assert.equal(grid.weights.dtype, "float32");
  grid.dispose();
  const depthwise = kernels(g, "expanded_conv/depthwise/depthwise");
  assert.deepEqual(depthwise.weights.shape, [3, 3, 1, 48]);
  depthwise.dispose();
});

test("Grad-CAM on the logits equals one computed by hand from execute + tf.grad", () => {
  const start = tf.memory().numTensors;
  const target = 2;
  const result = new GradCAM(g, { targetLayer: "Conv_1/Relu6", output: "dense/BiasAdd" }).compute(x, {
    targets: [target],
  });
  const [expectedRaw, expectedHeatmap] = tf.tidy(() => {
    const A = g.execute(x, LAST_CONV) as tf.Tensor4D;
    const score = (a: tf.Tensor) => {
      const logits = g.execute({ input: x, [LAST_CONV]: a }, LOGITS) as tf.Tensor2D;
      return tf.sum(tf.mul(logits, tf.oneHot([target], 5)));
    };
    const gradients = tf.grad(score)(A);
    const weights = tf.mean(gradients, [1, 2]).reshape([1, 1, 1, -1]);
    const raw = tf.sum(tf.mul(A, weights), 3) as tf.Tensor3D;
    return [raw, normalizeAndResize(raw, [224, 224])];
  });
  assert.deepEqual(result.raw.shape, [1, 7, 7]);
  const scale = tf.tidy(() => tf.max(tf.abs(expectedRaw)).dataSync()[0]);
  assert.ok(maxAbs(result.raw, expectedRaw) <= 1e-5 * scale, "raw map");
  assert.ok(maxAbs(result.heatmap, expectedHeatmap) <= 1e-4, "heatmap");
  const logit = tf.tidy(() => (g.execute(x, LOGITS) as tf.Tensor).dataSync()[target]);
  assert.ok(
    Math.abs(result.scores[0] - logit) <= 1e-4 * Math.max(1, Math.abs(logit)),
    "scored before the softmax",
  );
  tf.dispose([expectedRaw, expectedHeatmap]);
  result.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("every CAM method runs on the GraphModel, without leaks", () => {
  const start = tf.memory().numTensors;
  for (const [name, Method] of Object.entries(CAM_METHODS)) {
    const options = { targetLayer: "Conv_1/Relu6", output: LOGITS, maxChannels: 4, batchSize: 256 };
    const result = new Method(g, options).compute(x, { targets: [1] });
    assert.deepEqual(result.heatmap.shape, [1, 224, 224], name);
    const values = result.heatmap.dataSync();
    assert.ok(
      values.every((v) => Number.isFinite(v) && v >= 0 && v <= 1),
      name,
    );
    result.dispose();
  }
  assert.equal(tf.memory().numTensors, start);
});

test("the saliency family on the GraphModel; guided backprop gates the fused Relu6 nodes", () => {
  const start = tf.memory().numTensors;
  const vanilla = vanillaGradients(g, x, { targets: 1, output: LOGITS });
  const guided = guidedBackprop(g, x, { targets: 1, output: LOGITS });
  const smooth = smoothGrad(g, x, { targets: 1, samples: 2, output: LOGITS });
  const ig = integratedGradients(g, x, { targets: 1, steps: 4, batchSize: 4, output: LOGITS });
  const byHand = tf.tidy(() =>
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(g.execute(v, LOGITS) as tf.Tensor, tf.oneHot([1], 5))))(x),
  );
  assert.ok(
    maxAbs(vanilla.attributions, byHand) <= 1e-5 * tf.tidy(() => tf.max(tf.abs(byHand)).dataSync()[0]),
  );
  assert.ok(maxAbs(guided.attributions, vanilla.attributions) > 0, "guided differs from vanilla");
  for (const r of [guided, smooth, ig]) assert.deepEqual(r.attributions.shape, [1, 224, 224, 3]);
  assert.equal(ig.delta?.length, 1);
  tf.dispose(byHand);
  [vanilla, guided, smooth, ig].forEach((r) => r.dispose());
  // deepLift's rules apply to element-wise activations: the final softmax is named when it is scored
  assert.throws(() => deepLift(g, x, { targets: 1 }), /deepLift cannot handle node "[^"]*" \(Softmax\)/);
  const tunnelled = noiseTunnel(vanillaGradients, { samples: 2, stdevs: 0.1 })(g, x, {
    targets: 1,
    output: LOGITS,
  });
  assert.deepEqual(tunnelled.attributions.shape, [1, 224, 224, 3]);
  tunnelled.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("summary is hierarchical by name scope, works without inputSize, and names the address of each row", () => {
  const s = summary(g, { depth: 10 });
  const text = s.toString();
  assert.match(text, /├─NameScope \(expanded_conv_3\): 1-6 /);
  assert.match(text, /│ {4}└─_FusedConv2D \(expanded_conv_3\/expand\): 2-10 /);
  const conv1 = s.rows.find((r) => r.name === "Conv_1");
  assert.ok(conv1, "a row for the Conv_1 scope");
  assert.deepEqual(conv1.outputShapes[0], [1, 7, 7, 1792]);
  assert.deepEqual(conv1.kernelSize, [1, 1]);
  // a 1x1 convolution from 448 to 1792 channels at 7x7, bias included (MobileNetV2 at width 1.4)
  assert.equal(conv1.multAdds, 7 * 7 * (448 * 1792 + 1792));
  assert.equal(inspectModel(g).resolve(conv1.name).name, LAST_CONV, "the row's name addresses its node");
  const block = s.rows.find((r) => r.name === "expanded_conv_3");
  assert.equal(block?.className, "NameScope");
  assert.equal(block?.depth, 1);
  assert.deepEqual(
    s.rows
      .filter((r) => r.depth === 2 && s.rows.indexOf(r) > s.rows.indexOf(block!))
      .slice(0, 3)
      .map((r) => r.name),
    ["expanded_conv_3/expand", "expanded_conv_3/depthwise", "expanded_conv_3/project/BatchNorm"],
  );
  assert.ok(
    s.rows.some((r) => r.depth === 2),
    "nested rows",
  );
});
