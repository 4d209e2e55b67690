// Static MIME bundles (what VS Code, GitHub, exported HTML and stored outputs show) of every widget, made
// from a small real model, outside any kernel; and no tensor leaks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../src/display";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, tf } from "../../src/index";
import * as widgets from "../../widgets/src";

function png(bundle: MimeBundle): PNG {
  assert.equal(typeof bundle["image/png"], "string");
  return PNG.sync.read(Buffer.from(bundle["image/png"] as string, "base64"));
}

function tinyCnn(): tf.Sequential {
  return tf.sequential({
    name: "tiny<b>",
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        name: "c1",
        seed: 1,
      } as never),
      tf.layers.conv2d({ filters: 5, kernelSize: 3, padding: "same", activation: "relu", name: "c2" }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 2, activation: "softmax", name: "out" }),
    ],
  });
}

test("every widget has a text/plain and a picture outside a kernel, without the widget view, leaking no tensors", async () => {
  const model = tinyCnn();
  const image = tf.randomUniform([1, 8, 8, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const made = [
    new widgets.HistogramSlider(
      [0, 1],
      [
        [1, 2, 3],
        [2, 3, 4],
      ],
    ),
    widgets.KernelGrid.fromLayer(model, "c1"),
    widgets.FeatureMapBrowser.fromModel(model, image, ["c1", "c2"]),
    widgets.CamView.fromModel(model, image, {
      targetLayer: "c2",
      methods: ["GradCAM", "EigenCAM"],
      classes: [0, 1],
    }),
    new widgets.TrainingMonitor(),
  ];
  assert.equal(tf.memory().numTensors, before, "constructors keep no tensors");
  for (const widget of made) {
    const bundle = await widget[DISPLAY_SYMBOL]();
    assert.equal(bundle["application/vnd.jupyter.widget-view+json"], undefined);
    assert.equal(typeof bundle["text/plain"], "string");
    assert.ok(png(bundle).width > 0);
  }
  const summary = await new widgets.SummaryView(model)[DISPLAY_SYMBOL]();
  assert.match(summary["text/html"] as string, /tiny&lt;b&gt;/);
  assert.doesNotMatch(summary["text/html"] as string, /tiny<b>/);
  tf.dispose([image]);
  model.dispose();
});

test("CamView's static picture is the blend the browser draws (hand-computed blend)", () => {
  const base = { width: 1, height: 1, data: Uint8ClampedArray.from([100, 0, 200, 255]) };
  const overlay = { width: 1, height: 1, data: Uint8ClampedArray.from([0, 255, 0, 255]) };
  assert.deepEqual([...widgets.blend(base, overlay, 0.25).data], [75, 64, 150, 255]);
});

test("KernelGrid's static PNG is a square-ish grid sized by the tile zoom", async () => {
  const weights = tf.randomNormal([3, 3, 3, 4], 0, 1, "float32", 5) as tf.Tensor4D;
  const grid = new widgets.KernelGrid(weights);
  weights.dispose();
  const picture = png(await grid[DISPLAY_SYMBOL]());
  // 4 filters → 2 columns, 3 px tiles enlarged 13x (40 / 3), 2 px gap
  assert.deepEqual([picture.width, picture.height], [2 * 39 + 2, 2 * 39 + 2]);
  assert.match(
    (await grid[DISPLAY_SYMBOL]())["text/plain"],
    /^KernelGrid "kernels 3x3x3x4": 4 filters, layer scale$/,
  );
});

test("HistogramSlider.fromLogdir re-bins SummaryWriter's histograms onto shared bins", () => {
  const dir = mkdtempSync(join(tmpdir(), "tensorscope-hist-"));
  try {
    const writer = new SummaryWriter(join(dir, "run1"));
    writer.addHistogram("fc <img src=x>", [0.5, 0.5, 1.5], 0);
    writer.addHistogram("fc <img src=x>", [2.5, 2.5, 2.5], 10);
    writer.close();
    const slider = widgets.HistogramSlider.fromLogdir(dir, "fc <img src=x>", { bins: 3 });
    const { steps, edges, counts } = slider.histograms;
    assert.deepEqual(steps, [0, 10]);
    assert.deepEqual(
      edges.map((e) => Number(e.toFixed(4))),
      [0.5, 1.1667, 1.8333, 2.5],
    );
    // TensorBoard's buckets around 1.5 are narrow (ratio 1.1) and lie inside the middle bin
    assert.deepEqual(
      counts.map((row) => row.map((c) => Number(c.toFixed(6)))),
      [
        [2, 1, 0],
        [0, 0, 3],
      ],
    );
    assert.equal(slider.title, "run1: fc <img src=x>");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
