import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, summary, featureMaps } from "../../src/index";
import { shapeHint } from "../../src/model/shape-hint";

const NHWC_RGB = [null, 32, 32, 3];
const NHWC_GREY = [null, 28, 28, 1];

test("channels-first data is told apart from other mistakes, with the transpose that fixes it", () => {
  assert.match(
    shapeHint([8, 3, 32, 32], NHWC_RGB),
    /channels-first \(NCHW\).*tf\.transpose\(x, \[0, 2, 3, 1\]\) to get \[8, 32, 32, 3\]/,
  );
  assert.match(shapeHint([1, 1, 28, 28], NHWC_GREY), /tf\.transpose\(x, \[0, 2, 3, 1\]\)/);
  assert.match(
    shapeHint([3, 32, 32], NHWC_RGB),
    /one channels-first \(CHW\) sample.*tf\.transpose\(x, \[1, 2, 0\]\)/,
  );
  assert.match(
    shapeHint([1, 3, 32, 32], NHWC_RGB, "shape"),
    /channels-first \(NCHW\) shape.*\[1, 32, 32, 3\]$/,
  );
});

test("a missing batch or channel dimension is named as such, not as a wrong size", () => {
  assert.match(
    shapeHint([32, 32, 3], [null, 32, 32, 3], "shape"),
    /batch dimension is missing: use \[1, 32, 32, 3\]/,
  );
  assert.match(shapeHint([28, 28], [null, 28, 28]), /batch dimension is missing: use x\.expandDims\(0\)/);
  assert.match(
    shapeHint([1, 28, 28], NHWC_GREY),
    /channel dimension is missing: use x\.expandDims\(-1\) to get \[1, 28, 28, 1\]/,
  );
  assert.match(
    shapeHint([28, 28], NHWC_GREY),
    /batch and channel dimensions are missing: use x\.reshape\(\[1, 28, 28, 1\]\)/,
  );
});

test("a wrong size names the axes and, for images, the resize", () => {
  assert.equal(
    shapeHint([1, 64, 64, 3], NHWC_RGB),
    "axis 1 is 64, the model takes 32; axis 2 is 64, the model takes 32 (resize images with tf.image.resizeBilinear(x, [32, 32]))",
  );
  assert.equal(
    shapeHint([1, 64, 64, 3], NHWC_RGB, "shape"),
    "axis 1 is 64, the model takes 32; axis 2 is 64, the model takes 32",
  );
  assert.equal(shapeHint([1, 2, 3, 4, 5], NHWC_RGB), "");
});

function ownCnn(): tf.LayersModel {
  const input = tf.input({ shape: [28, 28, 1] });
  const conv = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, name: "conv" })
    .apply(input) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 3 }).apply(tf.layers.flatten().apply(conv)) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out, name: "own" });
}

test("summary's inputSize and the vision functions' inputs give these hints, never the model zoo", () => {
  const model = ownCnn();
  const messageOf = (run: () => unknown): string => {
    try {
      run();
    } catch (error) {
      return (error as Error).message;
    }
    assert.fail("expected an error");
  };
  const nchw = messageOf(() => summary(model, { inputSize: [1, 1, 28, 28] }));
  assert.match(nchw, /channels-first \(NCHW\) shape.*\[1, 28, 28, 1\]/);
  const unbatched = messageOf(() => summary(model, { inputSize: [28, 28, 1] }));
  assert.match(unbatched, /batch dimension is missing: use \[1, 28, 28, 1\]/);
  const wrongSize = messageOf(() => summary(model, { inputSize: [1, 32, 32, 1] }));
  assert.match(wrongSize, /axis 1 is 32, the model takes 28.*a model takes the input size it was built for/);
  for (const message of [nchw, unbatched, wrongSize]) assert.doesNotMatch(message, /models\.|resnet/);

  const x = tf.zeros([1, 1, 28, 28]);
  const before = tf.memory().numTensors;
  const fromTensor = messageOf(() => featureMaps(model, "conv", x));
  assert.equal(tf.memory().numTensors, before);
  assert.match(fromTensor, /does not fit model "own".*tf\.transpose\(x, \[0, 2, 3, 1\]\)/);
  x.dispose();
});
