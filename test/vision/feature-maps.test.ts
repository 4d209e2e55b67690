import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, models, display } from "../../src/index";
import { setDisplaySink, type MimeBundle } from "../../src/display";
import { featureMaps } from "../../src/vision/feature-maps";
import { DISPLAY_SYMBOL } from "../../src/display";

function setConst(layer: tf.layers.Layer, values: number[][]): void {
  const shapes = layer.getWeights().map((w) => w.shape);
  const tensors = values.map((v, i) => tf.tensor(v, shapes[i]));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * A branchy functional model: x → a = 1x1 conv (weight 2) → add(x, a) = 3x → relu → gap → dense, and a nested
 * Sequential "inner" (1x1 conv weight -1) on the add output.
 */
function branchy(): tf.LayersModel {
  const x = tf.input({ shape: [3, 3, 1], name: "x" });
  const a = tf.layers
    .conv2d({ filters: 1, kernelSize: 1, name: "a", useBias: false })
    .apply(x) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: "sum" }).apply([x, a]) as tf.SymbolicTensor;
  const inner = tf.sequential({
    name: "inner",
    layers: [
      tf.layers.conv2d({ inputShape: [3, 3, 1], filters: 2, kernelSize: 1, name: "neg", useBias: false }),
    ],
  });
  const nested = inner.apply(sum) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({ name: "gap" }).apply(nested) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2, name: "fc" }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: out, name: "branchy" });
  setConst(model.getLayer("a"), [[2]]);
  setConst(inner.getLayer("neg"), [[-1, 0.5]]);
  return model;
}

const image = () => tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);

function inboundCounts(model: tf.LayersModel): number[] {
  const all = (m: tf.LayersModel): tf.layers.Layer[] =>
    m.layers.flatMap((l) => ("layers" in l ? [l, ...all(l as tf.LayersModel)] : [l]));
  return all(model).map((l) => (l as unknown as { inboundNodes: unknown[] }).inboundNodes.length);
}

test("activations at a merge and inside a nested model match hand-computed values", () => {
  const model = branchy();
  const x = image();
  const before = tf.memory().numTensors;
  const nodes = inboundCounts(model);
  const atSum = featureMaps(model, "sum", x);
  assert.deepEqual(atSum.activations.shape, [1, 3, 3, 1]);
  assert.deepEqual([...atSum.activations.dataSync()], [3, 6, 9, 12, 15, 18, 21, 24, 27]);
  const inside = featureMaps(model, "inner/neg", x);
  assert.deepEqual(inside.activations.shape, [1, 3, 3, 2]);
  assert.deepEqual([...inside.activations.dataSync()].slice(0, 4), [-3, 1.5, -6, 3]);
  assert.equal(inside.layerName, "neg");
  tf.dispose([atSum, inside].map((r) => r.activations));
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(inboundCounts(model), nodes, "the model gained no nodes");
  x.dispose();
  model.dispose();
});

test("the tutorial's featureMaps(model, index, img) works with an unbatched image and displays as PNG", () => {
  const model = branchy();
  const x = image();
  const one = x.squeeze([0]); // [3, 3, 1]
  const maps = featureMaps(model, 1, one); // model.layers[1] = "a" (0 is the InputLayer)
  assert.equal(maps.layerName, "a");
  assert.deepEqual([...maps.activations.dataSync()], [2, 4, 6, 8, 10, 12, 14, 16, 18]);
  const bundle = maps[DISPLAY_SYMBOL]();
  assert.match(bundle["text/plain"], /^a feature maps 3x3x1: sample 0, 1 of 1 maps, min-max per map$/);
  assert.ok((bundle["image/png"] as string).length > 100);
  maps.dispose();
  tf.dispose([x, one]);
  model.dispose();
});

test("per-map scaling spreads every map over the colormap; a layer scale keeps magnitudes", () => {
  const model = branchy();
  const x = image();
  const perMap = featureMaps(model, "inner/neg", x, { colormap: "gray" });
  const shared = featureMaps(model, "inner/neg", x, { colormap: "gray", normalize: "layer" });
  assert.match(shared.description, /one range for the layer/);
  assert.notDeepEqual([...perMap.image.data], [...shared.image.data]);
  tf.dispose([perMap.activations, shared.activations]);
  x.dispose();
  model.dispose();
});

test("a layer without spatial output, a wrong input and a bad sample index are clear errors", () => {
  const model = branchy();
  const x = image();
  const before = tf.memory().numTensors;
  assert.throws(
    () => featureMaps(model, "fc", x),
    /layer "fc" \(Dense\) outputs \[null,2\], not feature maps \[batch, height, width, channels\]; layers with spatial outputs: "x", "a", "sum"/,
  );
  assert.throws(
    () => featureMaps(model, "sum", tf.zeros([3, 3])),
    /input of shape \[3, 3\] does not fit model "branchy", which expects \[null, 3, 3, 1\]/,
  );
  assert.throws(() => featureMaps(model, "sum", tf.zeros([1, 4, 4, 1])), /does not fit model/);
  assert.throws(
    () => featureMaps(model, "sum", x, { sample: 1 }),
    /sample must be an index into the batch of 1, got 1/,
  );
  assert.throws(() => featureMaps(model, "summ", x), /no layer "summ".*nearest names: "sum"/);
  assert.equal(tf.memory().numTensors, before + 2); // only the two zeros tensors made here
  x.dispose();
  model.dispose();
});

test("display(featureMaps(model, 3, img)) as in the tutorial: layer 3 of a small CNN is its second conv", async () => {
  const model = models.smallCnn(); // conv1 relu1 pool1 conv2 …, 28x28x1
  const img = tf.zeros([28, 28, 1]);
  const shown: MimeBundle[] = [];
  setDisplaySink(({ bundle }) => shown.push(bundle));
  try {
    const maps = featureMaps(model, 3, img);
    await display(maps);
    assert.equal(maps.layerName, "conv2");
    assert.deepEqual(maps.activations.shape, [1, 14, 14, 32]);
    assert.match(shown[0]["text/plain"], /^conv2 feature maps 14x14x32: sample 0, 32 of 32 maps/);
    assert.ok(typeof shown[0]["image/png"] === "string");
    maps.dispose();
  } finally {
    setDisplaySink(undefined);
    img.dispose();
    model.dispose();
  }
});
