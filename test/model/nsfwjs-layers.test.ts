// A real Keras model converted to a LayersModel: nsfwjs' MobileNetV2 (162 layers, frozen layers, a softmax
// Dense at the end). Loaded once; one image per call. Also the widgets on a GraphModel (the tiny frozen graph).
import { before, test } from "node:test";
import assert from "node:assert/strict";
import {
  tf,
  summary,
  kernels,
  featureMaps,
  CAM_METHODS,
  vanillaGradients,
  smoothGrad,
  guidedBackprop,
  integratedGradients,
  inspectModel,
} from "../../src/index";
import { DISPLAY_SYMBOL } from "../../src/display";
import * as widgets from "../../widgets/src";
import { loadTinyGraphModel } from "../summary/graph-fixture";
import { loadNsfwjs } from "./nsfwjs-fixture";

let model: tf.LayersModel;
let x: tf.Tensor4D;
before(async () => {
  model = (await loadNsfwjs("mobilenet_v2")) as tf.LayersModel;
  x = tf.randomUniform([1, 224, 224, 3], 0, 1, "float32", 9) as tf.Tensor4D;
});

const maxAbs = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test("summary, kernels and feature maps of the Keras MobileNetV2", () => {
  const s = summary(model);
  assert.equal(s.totalParams, model.countParams());
  assert.equal(inspectModel(model).kind, "layers");
  const grid = kernels(model, "Conv1");
  assert.deepEqual(grid.weights.shape, [3, 3, 3, 32]);
  grid.dispose();
  const start = tf.memory().numTensors;
  const maps = featureMaps(model, "out_relu", x);
  assert.deepEqual(maps.activations.shape, [1, 7, 7, 1280]);
  const expected = tf.tidy(
    () =>
      tf.model({ inputs: model.inputs, outputs: model.getLayer("out_relu").output }).predict(x) as tf.Tensor,
  );
  assert.ok(maxAbs(maps.activations, expected) < 1e-4);
  tf.dispose(expected);
  maps.dispose();
  assert.equal(tf.memory().numTensors, start);
});

test("every CAM method and the saliency family on the Keras MobileNetV2, without leaks", () => {
  const start = tf.memory().numTensors;
  for (const [name, Method] of Object.entries(CAM_METHODS)) {
    const result = new Method(model, {
      targetLayer: "out_relu",
      maxChannels: 4,
      batchSize: 320,
    } as never).compute(x, { targets: [3] });
    assert.deepEqual(result.heatmap.shape, [1, 224, 224], name);
    assert.ok(
      result.heatmap.dataSync().every((v) => v >= 0 && v <= 1),
      name,
    );
    result.dispose();
  }
  const results = [
    vanillaGradients(model, x, { targets: 3 }),
    guidedBackprop(model, x, { targets: 3 }),
    smoothGrad(model, x, { targets: 3, samples: 2 }),
    integratedGradients(model, x, { targets: 3, steps: 2 }),
  ];
  for (const r of results) assert.deepEqual(r.attributions.shape, [1, 224, 224, 3]);
  results.forEach((r) => r.dispose());
  assert.equal(tf.memory().numTensors, start);
});

test("the widgets take a GraphModel: KernelGrid, FeatureMapBrowser, CamView, SummaryView", async () => {
  const g = await loadTinyGraphModel();
  const image = tf.randomUniform([1, 8, 8, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  const start = tf.memory().numTensors;
  const made = [
    widgets.KernelGrid.fromLayer(g, "conv1"),
    widgets.FeatureMapBrowser.fromModel(g, image, ["conv1", "pool"]),
    widgets.CamView.fromModel(g, image, {
      targetLayer: "conv1",
      methods: ["GradCAM", "EigenCAM"],
      classes: [0, 4],
      output: "dense",
    }),
    new widgets.SummaryView(g, { inputSize: [1, 8, 8, 3] }),
  ];
  assert.equal(tf.memory().numTensors, start, "constructors keep no tensors");
  for (const widget of made) {
    const bundle = await widget[DISPLAY_SYMBOL]();
    assert.equal(typeof bundle["text/plain"], "string");
  }
  assert.match(String((await made[3][DISPLAY_SYMBOL]())["text/html"]), /conv1/);
  tf.dispose(image);
  g.dispose();
});
