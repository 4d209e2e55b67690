import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { gradientAscent } from "../../src/vision/feature-vis";
import { ascentWarnings } from "../../src/vision/feature-vis-checks";
import { InverseDft, fftFrequencies } from "../../src/vision/feature-vis-param";
import { DISPLAY_SYMBOL } from "../../src/display";

test("the matrix inverse DFT is √(hw) · Re(ifft2) of tf.spectral", () => {
  const [h, w] = [4, 6];
  const re = tf.randomNormal([2, h, w], 0, 1, "float32", 1) as tf.Tensor3D;
  const im = tf.randomNormal([2, h, w], 0, 1, "float32", 2) as tf.Tensor3D;
  const dft = new InverseDft(h, w);
  const mine = dft.apply(re, im);
  const reference = tf.tidy(() => {
    const alongW = tf.spectral.ifft(tf.complex(re, im)); // last axis
    const alongH = tf.spectral.ifft(alongW.transpose([0, 2, 1])).transpose([0, 2, 1]);
    return tf.real(alongH).mul(Math.sqrt(h * w));
  });
  const gap = tf.tidy(() => tf.abs(tf.sub(mine, reference)).max().dataSync()[0]);
  assert.ok(gap < 1e-4, `max difference ${gap}`);
  dft.dispose();
  tf.dispose([re, im, mine, reference]);
  assert.deepEqual(fftFrequencies(5), [0, 0.2, 0.4, -0.4, -0.2]);
  assert.deepEqual(fftFrequencies(4), [0, 0.25, -0.5, -0.25]);
});

/** flatten → dense: class 0 = Σ left-half pixels − Σ right-half pixels; class 1 the opposite. */
function leftRight(): tf.Sequential {
  const model = tf.sequential({
    layers: [tf.layers.flatten({ inputShape: [8, 8, 1] }), tf.layers.dense({ units: 2, useBias: false })],
  });
  const w = Array.from({ length: 64 }, (_, p) => (p % 8 < 4 ? [1, -1] : [-1, 1])).flat();
  const kernel = tf.tensor2d(w, [64, 2]);
  model.layers[1].setWeights([kernel]);
  kernel.dispose();
  return model;
}

function halves(images: tf.Tensor4D, b: number): { left: number; right: number } {
  return tf.tidy(() => {
    const one = images.slice(b, 1);
    return {
      left: one.slice([0, 0, 0, 0], [1, 8, 4, 1]).mean().dataSync()[0],
      right: one.slice([0, 0, 4, 0], [1, 8, 4, 1]).mean().dataSync()[0],
    };
  });
}

test("class ascent brightens what the class weighs positively, in both parameterisations", () => {
  const model = leftRight();
  for (const parameterization of ["pixel", "fft"] as const) {
    const steps: number[] = [];
    const result = gradientAscent(
      model,
      { class: [0, 1] },
      {
        steps: 40,
        learningRate: 0.1,
        jitter: 0,
        parameterization,
        onStep: (p) => steps.push(p.step),
      },
    );
    assert.deepEqual(
      steps,
      Array.from({ length: 40 }, (_, i) => i + 1),
    );
    const a = halves(result.images, 0);
    const b = halves(result.images, 1);
    assert.ok(a.left > a.right + 0.2, `${parameterization} class 0: ${JSON.stringify(a)}`);
    assert.ok(b.right > b.left + 0.2, `${parameterization} class 1: ${JSON.stringify(b)}`);
    assert.ok(result.history[39] > result.history[0], `${parameterization}: objective did not rise`);
    const { min, max } = tf.tidy(() => ({
      min: result.images.min().dataSync()[0],
      max: result.images.max().dataSync()[0],
    }));
    assert.ok(min >= 0 && max <= 1);
    result.dispose();
  }
  model.dispose();
});

/** conv 3x3 (4 filters) → relu → conv 3x3 (3 filters) inside a nested block → GAP → dense. */
function convNet(): tf.LayersModel {
  const x = tf.input({ shape: [16, 16, 3] });
  const c1 = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      activation: "relu",
      name: "c1",
      kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }),
    })
    .apply(x) as tf.SymbolicTensor;
  const block = tf.sequential({
    name: "block",
    layers: [
      tf.layers.conv2d({
        inputShape: [14, 14, 4],
        filters: 3,
        kernelSize: 3,
        name: "c2",
        kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }),
      }),
    ],
  });
  const c2 = block.apply(c1) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(c2) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 2 }).apply(gap) as tf.SymbolicTensor;
  return tf.model({ inputs: x, outputs: out });
}

test("filter ascent is seeded, raises the filter's activation, and leaves the model and memory as they were", () => {
  const model = convNet();
  const weights = model.getWeights().map((w) => w.arraySync());
  const nodes = model.layers.map((l) => (l as unknown as { inboundNodes: unknown[] }).inboundNodes.length);
  const before = tf.memory().numTensors;
  const run = (seed: number) =>
    gradientAscent(model, { layer: "block/c2", filter: [0, 2] }, { steps: 12, seed });
  const a = run(1);
  const b = run(1);
  const c = run(2);
  assert.deepEqual([...a.images.dataSync()], [...b.images.dataSync()]);
  assert.notDeepEqual([...a.images.dataSync()], [...c.images.dataSync()]);
  assert.ok(a.history[11] > a.history[0], `objective ${a.history[0]} → ${a.history[11]}`);
  assert.deepEqual(a.images.shape, [2, 16, 16, 3]);
  const bundle = a[DISPLAY_SYMBOL]();
  assert.match(bundle["text/plain"], /^gradient ascent on c2 filter 0, 2: 12 steps, objective /);
  assert.equal(typeof bundle["image/png"], "string");
  [a, b, c].forEach((r) => r.dispose());
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(
    model.getWeights().map((w) => w.arraySync()),
    weights,
  );
  assert.deepEqual(
    model.layers.map((l) => (l as unknown as { inboundNodes: unknown[] }).inboundNodes.length),
    nodes,
  );
  model.dispose();
});

test("a filter dead on the start image still climbs through its pre-ReLU value", () => {
  // 3x3 conv of ones, bias -5, ReLU: on the grey start image (0.5) every position is 4.5 - 5 < 0
  const conv = tf.layers.conv2d({
    inputShape: [8, 8, 1],
    filters: 1,
    kernelSize: 3,
    activation: "relu",
    name: "dead",
  });
  const model = tf.sequential({ layers: [conv, tf.layers.flatten({}), tf.layers.dense({ units: 2 })] });
  const [kernel, bias] = [tf.ones([3, 3, 1, 1]), tf.tensor1d([-5])];
  conv.setWeights([kernel, bias]);
  tf.dispose([kernel, bias]);
  const options = { steps: 30, learningRate: 0.1, jitter: 0, parameterization: "pixel" as const };
  const climbed = gradientAscent(model, { layer: "dead", filter: 0 }, options);
  assert.ok(
    climbed.history[0] < 0 && climbed.history[29] > 0,
    `pre-ReLU mean ${climbed.history[0]} → ${climbed.history[29]}`,
  );
  const stuck = gradientAscent(model, { layer: "dead", filter: 0 }, { ...options, preRelu: false });
  assert.deepEqual([...new Set(stuck.history)], [0]);
  [climbed, stuck].forEach((r) => r.dispose());
  model.dispose();
});

test("bad objectives and options are clear errors without leaks", () => {
  const model = convNet();
  const gray = leftRight();
  const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [4], units: 2 })] });
  const before = tf.memory().numTensors;
  assert.throws(
    () => gradientAscent(model, { layer: "c1", filter: 4 }, { steps: 1 }),
    /filter of layer "c1" \(4 channels\): 4 is outside 0..3/,
  );
  assert.throws(() => gradientAscent(model, { class: 2 }), /class 2 is outside 0..1/);
  assert.throws(() => gradientAscent(model, { layer: "c3", filter: 0 }), /no layer "c3".*nearest names/);
  assert.throws(() => gradientAscent(model, { class: -1 }), /class must be a non-negative integer/);
  assert.throws(
    () => (gradientAscent as (m: tf.LayersModel) => unknown)(model),
    /the objective must be \{ class: index \}.*or \{ layer: name, filter: index \}.*; got nothing/,
  );
  assert.throws(
    () => gradientAscent(model, { filter: 0 } as never),
    /the objective must be .*got \{"filter":0\}/,
  );
  assert.throws(
    () => gradientAscent(gray, { class: 0 }, { decorrelate: true }),
    /decorrelated colour needs 3 input channels; the model takes 1: leave out decorrelate/,
  );
  const channelsFirst = tf.sequential({
    layers: [tf.layers.conv2d({ inputShape: [3, 8, 8], filters: 2, kernelSize: 3 }), tf.layers.flatten()],
  });
  assert.throws(
    () => gradientAscent(channelsFirst, { class: 0 }, { decorrelate: true }),
    /the model takes 8 \(its input \[batch, 3, 8, 8\] looks channels-first/,
  );
  channelsFirst.dispose();
  assert.throws(
    () => gradientAscent(dense, { class: 0 }),
    /needs an image input \[batch, height, width, channels\]/,
  );
  assert.throws(
    () => gradientAscent(model, { class: 0 }, { steps: 0 }),
    /steps must be a positive integer, got 0/,
  );
  assert.equal(tf.memory().numTensors, before);
  [model, gray, dense].forEach((m) => m.dispose());
});

test("an objective that went down is a warning in the result, naming decorrelated colour when it was on", () => {
  assert.deepEqual(ascentWarnings([1, 2, 3], true, true), []);
  const [byDefault] = ascentWarnings([0.5, -0.2, -1.5], true, true);
  assert.match(byDefault, /objective went down \(from 0\.5 to -1\.5\)/);
  assert.match(byDefault, /on by default for 3 channels.*ImageNet.*\{ decorrelate: false \}/);
  assert.doesNotMatch(ascentWarnings([1, 0], true, false)[0], /by default/);
  assert.doesNotMatch(ascentWarnings([1, 0], false, false)[0], /decorrelate/);

  const model = leftRight();
  const result = gradientAscent(model, { class: 0 }, { steps: 4 });
  assert.deepEqual(result.warnings, []);
  assert.doesNotMatch(String(result), /warning/);
  result.dispose();
  // Descending on purpose (a negative rate) must be reported in the text shown in the notebook.
  const down = gradientAscent(model, { class: 0 }, { steps: 4, learningRate: -0.05 });
  assert.equal(down.warnings.length, 1);
  assert.match(String(down), /\nwarning: the objective went down/);
  down.dispose();
  model.dispose();
});
