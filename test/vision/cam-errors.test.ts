// Bad input gets a clear error at the call that caused it; no call leaks tensors or changes the model.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { tf } from "../../src/index";
import { DISPLAY_SYMBOL } from "../../src/display";
import { CAM_METHODS, GradCAM, HiResCAM, LayerCAM, ScoreCAM } from "../../src/vision/cam";
import { handModel, inputTensor } from "./cam-fixtures";
import { camTiles } from "../../src/vision/cam/render";
import { formatTick } from "../../src/image/grid";
import { modelFingerprint, nestedModel, residualModel, seededInput, sharedLayerModel } from "./graph-models";

describe("clear errors", () => {
  const model = handModel();
  test("a layer without spatial dimensions names the layers that have them", () => {
    assert.throws(
      () => new GradCAM(model, { targetLayer: "flat" }),
      /GradCAM: layer "flat" outputs \[null,18\], but a CAM needs a layer with spatial dimensions \[batch, height, width, channels\]; layers that have them: "x", "feat"/,
    );
  });
  test("an unknown layer name lists the nearest names", () => {
    assert.throws(
      () => new GradCAM(model, { targetLayer: "feet" }),
      /no layer "feet" in model "hand"; nearest names: "feat"/,
    );
  });
  test("a missing targetLayer", () => {
    assert.throws(() => new GradCAM(model, {} as never), /GradCAM needs \{ targetLayer \}/);
  });
  test("an input of the wrong rank", () => {
    const x = tf.zeros([3, 3, 1]);
    assert.throws(
      () => new GradCAM(model, { targetLayer: "feat" }).compute(x),
      /GradCAM.compute expects a batch of images shaped like the model input \[batch,3,3,1\], got \[3,3,1\]: the batch dimension is missing: use x\.expandDims\(0\)/,
    );
    x.dispose();
  });
  test("an input of the wrong size", () => {
    const x = tf.zeros([1, 4, 4, 1]);
    assert.throws(() => new LayerCAM(model, { targetLayer: "feat" }).compute(x), /got \[1,4,4,1\]/);
    x.dispose();
  });
  test("a class index outside the output", () => {
    const x = inputTensor();
    assert.throws(
      () => new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: [0, 2, 1] }),
      /target 2 for sample 1 is outside the model output: expected an integer in 0..1/,
    );
    assert.throws(
      () => new ScoreCAM(model, { targetLayer: "feat" }).compute(x, { targets: [0, -1, 1] }),
      /target -1/,
    );
    x.dispose();
  });
  test("a number of targets different from the batch", () => {
    const x = inputTensor();
    assert.throws(
      () => new HiResCAM(model, { targetLayer: "feat" }).compute(x, { targets: [1] }),
      /got 1 target\(s\) for a batch of 3; give one class index per sample/,
    );
    x.dispose();
  });
  test("a target function returning the wrong shape, without leaking tensors", () => {
    const x = inputTensor();
    const before = tf.memory().numTensors;
    assert.throws(
      () => new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: (out) => tf.sum(out) }),
      /a target function must return one score per output row, shape \[3\]; got shape \[\]/,
    );
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
  });
  test("a bad batchSize", () => {
    assert.throws(
      () => new ScoreCAM(model, { targetLayer: "feat", batchSize: 0 }),
      /batchSize must be a positive integer, got 0/,
    );
  });
});

const ALL = CAM_METHODS;

describe("every method on a residual block, inside a nested model and on a shared layer", () => {
  const cases: [string, () => tf.LayersModel, string][] = [
    ["residual branch", residualModel, "conv_a"],
    ["residual output", residualModel, "block_out"],
    ["nested inner layer", nestedModel, "block/inner_conv"],
    ["shared layer", sharedLayerModel, "stem"],
  ];
  for (const [where, build, layer] of cases) {
    test(where, () => {
      const model = build();
      const fingerprint = modelFingerprint(model);
      const x = seededInput(2);
      const before = tf.memory().numTensors;
      for (const [name, Method] of Object.entries(ALL)) {
        const result = new Method(model, { targetLayer: layer }).compute(x);
        assert.deepEqual(result.heatmap.shape, [2, 8, 8], name);
        const [lo, hi] = tf.tidy(() => [
          result.heatmap.min().dataSync()[0],
          result.heatmap.max().dataSync()[0],
        ]);
        assert.ok(lo >= 0 && hi <= 1, `${name} in [0,1]: ${lo}..${hi}`);
        result.dispose();
      }
      assert.equal(tf.memory().numTensors, before, "no tensor leaks");
      assert.equal(modelFingerprint(model), fingerprint, "the model is unchanged");
      x.dispose();
    });
  }
});

test("GradCAM on a residual layer equals Σ mean(dy/dA)·A computed by tf.grad through the model", () => {
  const model = residualModel();
  const x = seededInput(1);
  const result = new GradCAM(model, { targetLayer: "conv_a" }).compute(x, { targets: [2] });
  // Independent route: gradient of the class score w.r.t. conv_a's output through model.apply on a probe split
  // is impossible (Add), so differentiate with respect to the *input of act_a* by replacing conv_a with a
  // variable-driven function: y(A) = fc(gap(relu(add(conv_b(relu(A)), stem)))).
  const expected = tf.tidy(() => {
    const stemOut = model.getLayer("stem").apply(x) as tf.Tensor;
    const A = model.getLayer("conv_a").apply(stemOut) as tf.Tensor;
    const f = (a: tf.Tensor) => {
      const b = model.getLayer("conv_b").apply(tf.relu(a)) as tf.Tensor;
      const out = model.getLayer("fc").apply(tf.mean(tf.relu(tf.add(b, stemOut)), [1, 2])) as tf.Tensor;
      return tf.sum(out.slice([0, 2], [1, 1]));
    };
    const g = tf.grad(f)(A);
    return tf.sum(tf.mul(A, tf.mean(g, [1, 2], true)), 3).dataSync();
  });
  const raw = result.raw.dataSync();
  const scale = Math.max(...Array.from(expected, Math.abs));
  expected.forEach((v, i) =>
    assert.ok(Math.abs(raw[i] - v) < 1e-5 * scale + 1e-6, `${i}: ${raw[i]} vs ${v}`),
  );
  result.dispose();
  x.dispose();
});

test("a result renders as text and a labelled picture: input | heatmap | overlay, at least 128 px each", () => {
  const model = handModel();
  const x = inputTensor();
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: [0, 1, 0] });
  const bundle = result[DISPLAY_SYMBOL]();
  assert.match(
    bundle["text/plain"],
    /^GradCAM at layer "feat": 3 map\(s\) 3x3 in \[0, 1\] \(raw 3x3\)\nexplained: class 0 \(score [-\d.e]+\), class 1/,
  );
  const png = Buffer.from(bundle["image/png"] as string, "base64");
  assert.equal(png.subarray(1, 4).toString(), "PNG");
  // The picture is the grid of the three panels per image, each 3x3 map enlarged to >= 128 px (43x: 129 px).
  const image = result.toRgba();
  const tile = 3 * 43;
  assert.ok(image.width >= 3 * tile && image.height >= 3 * tile, `${image.width}x${image.height}`);
  // Row 0, middle panel: the heatmap, jet-coloured. Its hottest pixel (value 1) is jet's dark red [128, 0, 0].
  const heat = result.heatmap.arraySync()[0].flat();
  const hot = heat.indexOf(Math.max(...heat));
  const rowStarts = (x: number) => {
    for (let y = 0; y < image.height; y++) {
      const o = (y * image.width + x) * 4;
      if (image.data[o] !== 255 || image.data[o + 1] !== 255 || image.data[o + 2] !== 255) return y;
    }
    return -1;
  };
  const padding = 4;
  const heatLeft = padding + (tile + padding);
  const top = rowStarts(heatLeft + 1);
  const at = (p: number) => {
    const [py, px] = [Math.floor(p / 3), p % 3];
    const offset = ((top + py * 43 + 21) * image.width + heatLeft + px * 43 + 21) * 4;
    return Array.from(image.data.subarray(offset, offset + 3));
  };
  assert.deepEqual(at(hot), [128, 0, 0]);
  // The same pixels again in the PNG written by savePng.
  const dir = mkdtempSync(join(tmpdir(), "cam-png-"));
  const saved = PNG.sync.read(readFileSync(result.savePng(join(dir, "sub", "cam.png"))));
  assert.deepEqual([saved.width, saved.height], [image.width, image.height]);
  assert.deepEqual(Buffer.from(saved.data), Buffer.from(image.data));
  rmSync(dir, { recursive: true, force: true });
  // Overlay of sample 1 over its (grey, 1-channel) image: same size, and a clear error for a bad index.
  const before = tf.memory().numTensors;
  const view = result.overlay(x, 1);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(view.image.width, 3);
  assert.equal(view.image.height, 3);
  assert.throws(() => result.overlay(x, 3), /image index 3 is outside this result's 3 map\(s\)/);
  result.dispose();
  x.dispose();
});

test("a layer the output does not depend on is a clear error", () => {
  const input = tf.input({ shape: [8, 8, 3] });
  const main = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, name: "main_conv" })
    .apply(input) as tf.SymbolicTensor;
  const side = tf.layers
    .conv2d({ filters: 2, kernelSize: 3, name: "side_conv" })
    .apply(input) as tf.SymbolicTensor;
  const head = (name: string, t: tf.SymbolicTensor) =>
    tf.layers.dense({ units: 2, name }).apply(tf.layers.flatten().apply(t)) as tf.SymbolicTensor;
  const model = tf.model({
    inputs: input,
    outputs: [head("main_out", main), head("side_out", side)],
    name: "two_heads",
  });
  assert.throws(
    () => new GradCAM(model, { targetLayer: "side_conv" }),
    /GradCAM: the output of "two_heads" does not depend on layer "side_conv"/,
  );
  assert.doesNotThrow(() => new GradCAM(model, { targetLayer: "main_conv" }));
});

test("GradCAM never computes filter gradients (linear-activation convs are un-fused)", async () => {
  const model = residualModel();
  const x = seededInput(1);
  const cam = new GradCAM(model, { targetLayer: "stem" });
  const info = await tf.profile(() => {
    cam.compute(x).dispose();
    return tf.scalar(0);
  });
  assert.ok(info.kernelNames.includes("Conv2DBackpropInput"));
  assert.ok(!info.kernelNames.includes("Conv2DBackpropFilter"), info.kernelNames.join(","));
  (info.result as tf.Tensor).dispose();
  x.dispose();
});

test("the CAM picture's tiles are labelled with each image's class and score, at most 8 images", () => {
  const model = handModel();
  const x = inputTensor();
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets: [0, 1, 0] });
  const picture = {
    method: "GradCAM",
    layer: "feat",
    heatmap: result.heatmap,
    classes: result.classes,
    scores: result.scores,
  };
  const withInput = camTiles({ ...picture, shown: x });
  assert.deepEqual(
    withInput.map((tile) => tile.label),
    result.scores.flatMap((score, b) => [
      `class ${[0, 1, 0][b]}, score ${formatTick(score)}`,
      "heatmap",
      "overlay",
    ]),
  );
  // The heatmap alone when the result was made without its input; a function target has no class to name.
  const heatOnly = camTiles({ ...picture, classes: null, shown: null });
  assert.deepEqual(
    heatOnly.map((tile) => tile.label),
    result.scores.map((s) => `target, score ${formatTick(s)}`),
  );
  result.dispose();
  // Twelve images: the picture shows the first eight and says so in its title.
  const many = tf.tile(x, [4, 1, 1, 1]);
  const big = new GradCAM(model, { targetLayer: "feat" }).compute(many);
  assert.equal(big.heatmap.shape[0], 12);
  const drawn = camTiles({
    method: "GradCAM",
    layer: "feat",
    heatmap: big.heatmap,
    classes: big.classes,
    scores: big.scores,
    shown: many,
  });
  assert.equal(drawn.length, 8 * 3);
  const before = tf.memory().numTensors;
  big.toRgba();
  assert.equal(tf.memory().numTensors, before, "drawing leaks no tensors");
  big.dispose();
  tf.dispose([many, x]);
});
