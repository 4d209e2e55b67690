// The live view re-reads appended data and updates one display id in place, also from inside model.fit.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, SummaryWriter, fitCallback, liveScalars } from "../../src/index";
import { setDisplaySink, type DisplayRequest } from "../../src/display";

test("liveScalars updates the same display id with the data appended since the last draw", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-live-"));
  const requests: DisplayRequest[] = [];
  setDisplaySink((r) => requests.push(r));
  try {
    const writer = new SummaryWriter(join(dir, "run"));
    const live = liveScalars(dir, { id: "training", smoothing: 0 });
    for (let step = 0; step < 5; step++) writer.addScalar("loss", 1 / (step + 1), step);
    writer.flush();
    await live.refresh();
    for (let step = 5; step < 8; step++) writer.addScalar("loss", 1 / (step + 1), step);
    writer.flush();
    await live.refresh();
    assert.deepEqual(
      requests.map((r) => [r.displayId, r.update]),
      [
        ["training", false],
        ["training", true],
      ],
    );
    assert.match(requests[0].bundle["text/plain"], /run\s+loss\s+5\s/);
    assert.match(requests[1].bundle["text/plain"], /run\s+loss\s+8\s/);
    writer.close();
  } finally {
    setDisplaySink(undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test("live.callback redraws during model.fit and once at the end", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-live-"));
  const requests: DisplayRequest[] = [];
  setDisplaySink((r) => requests.push(r));
  const x = tf.ones([8, 2]);
  const y = tf.zeros([8, 1]);
  const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 1 })] });
  model.compile({ optimizer: "sgd", loss: "meanSquaredError" });
  try {
    const writer = new SummaryWriter(join(dir, "fit"));
    const live = liveScalars(dir, { id: "fit-chart", intervalMs: 0 });
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 4,
      verbose: 0,
      callbacks: [fitCallback(writer, { updateFreq: "batch" }), live.callback(writer)],
    });
    assert.ok(requests.length >= 5, `${requests.length} draws`);
    assert.ok(requests.every((r) => r.displayId === "fit-chart"));
    assert.match(requests[requests.length - 1].bundle["text/plain"], /fit\s+batch\/loss\s+4\s/);
    writer.close();
  } finally {
    setDisplaySink(undefined);
    tf.dispose([x, y]);
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("liveScalars: tags named before training has logged them are no error (the chart fills in later)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-live-early-"));
  try {
    const live = liveScalars(dir, { tags: ["epoch/loss"] });
    assert.match(String(live.view()), /\(no scalars\)/);
    const writer = new SummaryWriter(dir);
    writer.addScalar("epoch/loss", 1, 0);
    writer.close();
    assert.match(String(live.view()), /epoch\/loss\s+1\s+1/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
