// fitCallback logs what model.fit reports, per batch and per epoch, plus weight histograms, without leaking tensors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, SummaryWriter, fitCallback, loadLogdir } from "../../src/index";

test("fitCallback logs batch and epoch losses and metrics and weight histograms", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-fit-"));
  const x = tf.randomUniform([32, 3], 0, 1, "float32", 1);
  const y = tf.oneHot(
    tf.tensor1d(
      [...Array(32).keys()].map((i) => i % 2),
      "int32",
    ),
    2,
  );
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 2, activation: "softmax", name: "fc" })],
  });
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy", metrics: ["accuracy"] });
  try {
    const writer = new SummaryWriter(dir);
    const before = tf.memory().numTensors;
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 8,
      validationSplit: 0.25,
      callbacks: [fitCallback(writer, { updateFreq: "batch", histogramFreq: 1 })],
    });
    assert.equal(tf.memory().numTensors, before);
    writer.close();
    const run = loadLogdir(dir).run(".");
    assert.deepEqual([...run.scalars.get("epoch/loss")!.steps], [0, 1, 2]);
    assert.deepEqual(
      [...run.scalars.get("epoch/loss")!.values],
      (history.history.loss as number[]).map(Math.fround),
    );
    assert.deepEqual(
      [...run.scalars.get("epoch/val_loss")!.values],
      (history.history.val_loss as number[]).map(Math.fround),
    );
    assert.ok(run.scalars.has("epoch/acc"));
    assert.deepEqual(
      [...run.scalars.get("batch/loss")!.steps],
      [...Array(9).keys()],
      "24 training samples / 8 = 3 batches x 3 epochs",
    );
    const kernel = [...run.histograms.keys()].find((tag) => tag.includes("kernel"))!;
    assert.deepEqual(
      run.histograms.get(kernel)!.map((p) => p.step),
      [0, 1, 2],
    );
    assert.equal(run.histograms.get(kernel)![0].value.num, 6);
  } finally {
    tf.dispose([x, y]);
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("fitCallback rejects what is not a writer and bad options", () => {
  assert.throws(() => fitCallback({} as SummaryWriter), /expects a SummaryWriter/);
  const dir = mkdtempSync(join(tmpdir(), "ts-fit-"));
  const writer = new SummaryWriter(dir);
  assert.throws(() => fitCallback(writer, { updateFreq: "step" as "batch" }), /"batch" or "epoch"/);
  assert.throws(() => fitCallback(writer, { histogramFreq: -1 }), /non-negative integer/);
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});
