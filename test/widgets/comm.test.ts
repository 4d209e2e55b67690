// The kernel side of the widget protocol, through kernel-ext's real comm manager with a recording transport
// in place of ZeroMQ: comm_open state and buffers, frontend updates, request_state, the control comm's
// update_states, and the monitor's throttled, bounded updates.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { comms, type Comm } from "../../kernel-ext/comms";
import { DISPLAY_SYMBOL, setDisplaySink, type MimeBundle } from "../../src/display";
import { tf } from "../../src/index";
import * as widgets from "../../widgets/src";

interface Sent {
  msgType: string;
  content: Record<string, unknown>;
  metadata: Record<string, unknown>;
  buffers: Uint8Array[];
}

const sent: Sent[] = [];

before(() => {
  comms.attach({
    publish: (msgType, content, options) =>
      void sent.push({
        msgType,
        content,
        metadata: options.metadata ?? {},
        buffers: (options.buffers ?? []) as Uint8Array[],
      }),
    reportError: (error) => {
      throw error;
    },
    currentCell: () => undefined,
  });
});

after(() => comms.attach(undefined));

function opened(modelId: string): Sent {
  const message = sent.find((m) => m.msgType === "comm_open" && m.content.comm_id === modelId);
  assert.ok(message, `no comm_open for ${modelId}`);
  return message;
}

function fromFrontend(modelId: string, data: Record<string, unknown>): void {
  const comm = comms.get(modelId);
  assert.ok(comm, "the widget's comm is registered");
  comm.deliver({ data, metadata: {}, buffers: [] });
}

test("displaying a widget opens a jupyter.widget comm (protocol 2.1.0) and adds the view to the static bundle", async () => {
  const hist = new widgets.HistogramSlider(
    [0, 10],
    [
      [0, 1, 2],
      [2, 3, 4],
    ],
    { bins: 2, title: "w" },
  );
  const bundle: MimeBundle = await hist[DISPLAY_SYMBOL]();
  assert.deepEqual(bundle["application/vnd.jupyter.widget-view+json"], {
    model_id: hist.modelId,
    version_major: 2,
    version_minor: 1,
  });
  assert.match(bundle["text/plain"], /^HistogramSlider "w": 2 steps \(0\.\.10\)$/);
  assert.ok(
    Buffer.from(bundle["image/png"] as string, "base64")
      .subarray(1, 4)
      .toString() === "PNG",
  );
  const open = opened(hist.modelId);
  assert.equal(open.content.target_name, "jupyter.widget");
  assert.deepEqual(open.metadata, { version: "2.1.0" });
  const { state } = open.content.data as { state: Record<string, unknown> };
  assert.equal(state._model_module, "tensorscope-widgets");
  assert.equal(state._model_name, "HistogramSliderModel");
  assert.equal(state._view_name, "HistogramSliderView");
  assert.deepEqual(state.edges, [0, 2, 4]);
  assert.deepEqual(state.counts, [
    [2, 1],
    [0, 3],
  ]);
  // a second display reuses the comm
  await hist[DISPLAY_SYMBOL]();
  assert.equal(sent.filter((m) => m.msgType === "comm_open" && m.content.comm_id === hist.modelId).length, 1);
});

test("frontend updates reach the widget; request_state gets the full state back", async () => {
  const hist = new widgets.HistogramSlider([0, 1, 2], [[0], [1], [2]]);
  await hist[DISPLAY_SYMBOL]();
  assert.equal(hist.selectedIndex, 2);
  fromFrontend(hist.modelId, { method: "update", state: { index: 1 }, buffer_paths: [] });
  assert.equal(hist.selectedIndex, 1);
  fromFrontend(hist.modelId, { method: "update", state: { index: 99 }, buffer_paths: [] });
  assert.equal(hist.selectedIndex, 2, "out-of-range indices are clamped");
  const before = sent.length;
  fromFrontend(hist.modelId, { method: "request_state" });
  const reply = sent.slice(before).find((m) => m.msgType === "comm_msg");
  assert.ok(reply);
  const data = reply.content.data as { method: string; state: Record<string, unknown> };
  assert.equal(data.method, "update");
  assert.equal(data.state.index, 2);
  assert.equal(data.state._model_name, "HistogramSliderModel");
});

test("binary state (kernel weights) travels as buffers with buffer_paths", async () => {
  const weights = tf.tensor4d([...Array(2 * 2 * 1 * 3).keys()], [2, 2, 1, 3]);
  const grid = new widgets.KernelGrid(weights);
  weights.dispose();
  await grid[DISPLAY_SYMBOL]();
  const open = opened(grid.modelId);
  const data = open.content.data as { state: Record<string, unknown>; buffer_paths: unknown[] };
  assert.deepEqual(data.buffer_paths, [["values"]]);
  assert.equal("values" in data.state, false);
  const values = new Float32Array(Uint8Array.from(open.buffers[0]).buffer);
  // filter o, pixel p = p·3 + o (one input channel)
  assert.deepEqual([...values], [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11]);
});

test("the jupyter.widget.control comm answers request_states with every live model", async () => {
  const hist = new widgets.HistogramSlider([0], [[1]]);
  const weights = tf.ones([1, 1, 3, 2]) as tf.Tensor4D;
  const grid = new widgets.KernelGrid(weights);
  weights.dispose();
  await hist[DISPLAY_SYMBOL]();
  await grid[DISPLAY_SYMBOL]();
  assert.ok(comms.acceptOpen("control-1", "jupyter.widget.control", { data: {}, metadata: {}, buffers: [] }));
  const before = sent.length;
  (comms.get("control-1") as Comm).deliver({ data: { method: "request_states" }, metadata: {}, buffers: [] });
  const reply = sent.slice(before).find((m) => m.msgType === "comm_msg");
  assert.ok(reply);
  const data = reply.content.data as {
    method: string;
    states: Record<string, { model_name: string; state: object }>;
    buffer_paths: unknown[][];
  };
  assert.equal(data.method, "update_states");
  assert.equal(data.states[hist.modelId].model_name, "HistogramSliderModel");
  assert.equal(data.states[grid.modelId].model_name, "KernelGridModel");
  assert.ok(data.buffer_paths.some((p) => p.join("/") === `${grid.modelId}/state/values`));
  assert.equal(reply.buffers.length, data.buffer_paths.length);
});

test("the training monitor sends at most ~10 updates a second and never more than maxPoints per series", async () => {
  const monitor = new widgets.TrainingMonitor({ maxPoints: 64 });
  await monitor[DISPLAY_SYMBOL]();
  const before = sent.length;
  const start = Date.now();
  let step = 0;
  // Also until enough points, so that a slow (loaded) machine still feeds the monitor a heavy stream.
  while (Date.now() - start < 600 || step <= 10_000) {
    for (let i = 0; i < 200; i++, step++) monitor.log("loss", step, step === 777 ? 1e6 : 1 / (1 + step));
    await new Promise((r) => setTimeout(r, 1));
  }
  monitor.flush();
  const elapsed = Date.now() - start;
  const updates = sent
    .slice(before)
    .filter((m) => m.msgType === "comm_msg" && m.content.comm_id === monitor.modelId);
  assert.ok(step > 10_000, `logged ${step} points`);
  assert.ok(updates.length >= 3, `expected several updates, got ${updates.length}`);
  assert.ok(updates.length <= Math.ceil(elapsed / 100) + 2, `${updates.length} updates in ${elapsed} ms`);
  const last = (updates[updates.length - 1].content.data as { state: { series: Record<string, number[][]> } })
    .state.series.loss;
  assert.ok(last.length <= 64);
  assert.equal(Math.max(...last.map((b) => b[3])), 1e6, "the spike survives bucketing as a max");
  assert.deepEqual(monitor.pointCounts(), { loss: last.length });
});

test("the monitor's callbacks log batch metrics by global step and validation metrics per epoch", async () => {
  const monitor = new widgets.TrainingMonitor();
  const cb = monitor.callbacks();
  await cb.onBatchEnd(0, { batch: 0, size: 8, loss: 2, acc: 0.5 });
  await cb.onBatchEnd(1, { batch: 1, size: 8, loss: 1, acc: 0.75 });
  await cb.onEpochEnd(0, { loss: 1.5, val_loss: 1.2 });
  assert.deepEqual(monitor.pointCounts(), { loss: 2, acc: 2, val_loss: 1 });
});

test("bad input gets a clear error naming what was expected", () => {
  assert.throws(
    () => new widgets.HistogramSlider([0, 1], [[1]]),
    /equally long, non-empty arrays of steps and values, got 2 steps and 1 values/,
  );
  assert.throws(
    () => new widgets.HistogramSlider([0], [[1]], { bins: 0 }),
    /bins must be an integer in \[1, 1000\], got 0/,
  );
  assert.throws(
    () => new widgets.KernelGrid(tf.zeros([2, 2]) as unknown as tf.Tensor4D),
    /rank-4 kernel tensor \[kh, kw, in, out\], got a tensor of shape \[2,2\]/,
  );
  assert.throws(() => new widgets.TrainingMonitor({ smoothing: 1 }), /smoothing must be in \[0, 1\), got 1/);
  assert.throws(() => new widgets.TrainingMonitor().log("", 0, 1), /name must be a non-empty string/);
  assert.throws(() => new widgets.FeatureMapBrowser([]), /non-empty array of \{ name, activations \}/);
  const image = tf.zeros([4, 4, 3]);
  assert.throws(
    () => new widgets.CamView(image, [{ method: "m", classIndex: 0, heatmap: tf.zeros([2, 2]) }]),
    /heatmap must be \[4, 4\] or \[1, 4, 4\] like the image, got a tensor of shape \[2,2\]/,
  );
  tf.disposeVariables();
});

test("TrainingMonitor.show() displays under an id and a later show() updates that output's picture", async () => {
  const requests: { id?: string; update: boolean; png: unknown; view: unknown }[] = [];
  setDisplaySink(({ bundle, displayId, update }) =>
    requests.push({
      id: displayId,
      update,
      png: bundle["image/png"],
      view: bundle["application/vnd.jupyter.widget-view+json"],
    }),
  );
  try {
    const monitor = new widgets.TrainingMonitor();
    await monitor.show();
    for (let i = 0; i < 50; i++) monitor.log("loss", i, 1 / (1 + i));
    await monitor.show();
    assert.equal(requests.length, 2);
    assert.equal(requests[0].id, requests[1].id);
    assert.deepEqual([requests[0].update, requests[1].update], [false, true]);
    assert.notEqual(requests[1].png, requests[0].png, "the refreshed picture shows the logged curve");
    assert.deepEqual(requests[1].view, requests[0].view, "the same live model stays in the output");
  } finally {
    setDisplaySink(undefined);
  }
});
