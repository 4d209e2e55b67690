// `{ interactive: true }` on the library's calls: a live widget once the widgets are registered (the kernel
// loads them on first use), a clear error where they cannot run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { featureMaps, histograms, kernels, models, summary, SummaryWriter, tf } from "../../src/index";
import * as widgets from "../../widgets/src";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";

test("kernels, featureMaps, summary and histograms return live widgets with interactive: true", () => {
  const model = models.smallCnn({ inputShape: [8, 8, 1], classes: 2, filters: [4] });
  const input = tf.ones([1, 8, 8, 1]);
  assert.ok(kernels(model, "conv1", { interactive: true }) instanceof widgets.KernelGrid);
  assert.ok(featureMaps(model, "conv1", input, { interactive: true }) instanceof widgets.FeatureMapBrowser);
  assert.ok(summary(model, { interactive: true }) instanceof widgets.SummaryView);
  const dir = mkdtempSync(join(tmpdir(), "tensorscope-interactive-"));
  try {
    const writer = new SummaryWriter(dir);
    for (let step = 0; step < 3; step++) writer.addHistogram("w", [step, step + 1, step + 2], step);
    writer.close();
    assert.ok(histograms(dir, "w", { interactive: true }) instanceof widgets.HistogramSlider);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    input.dispose();
  }
});

test("without the widgets, interactive: true says what is needed", () => {
  const script = `
    const { kernels, models } = require("./src/index.ts");
    try { kernels(models.smallCnn({ inputShape: [8, 8, 1], classes: 2, filters: [4] }), "conv1", { interactive: true }); }
    catch (error) { console.log(error.message); }`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: join(__dirname, "..", ".."),
    encoding: "utf8",
    env: { ...process.env, TENSORSCOPE_QUIET: "1" },
  });
  assert.match(result.stdout, /kernels\(…, \{ interactive: true \}\) needs the live widgets/);
  assert.match(result.stdout, /leave out "interactive" for a static picture/);
});
