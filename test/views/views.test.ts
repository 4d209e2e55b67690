// scalars/histograms/images views: vega-lite v5 specs that compile, SVG/PNG rendered in-process, text beside
// them, user strings escaped where they reach markup.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vl from "vega-lite";
import { SummaryWriter, loadLogdir, scalars, histograms, images } from "../../src/index";
import { toMimeBundle } from "../../src/display";
import { VEGA_LITE_MIME } from "../../src/views/render";
import { rebin, histogramBuckets } from "../../src/views/histograms";
import { makeHistogram } from "../../src/events/histogram";

let dir = "";
const NASTY = `<script>alert("x")</script>&`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), "ts-views-"));
  for (const [run, scale] of [
    ["lr_0.1", 1],
    ["lr_0.01", 2],
  ] as const) {
    const writer = new SummaryWriter(join(dir, run));
    for (let step = 0; step < 3000; step++) {
      const spike = step === 1234 ? 100 : 0;
      writer.addScalar("loss", scale * Math.exp(-step / 500) + spike, step, 1000 + step);
      writer.addScalar("acc", step >= 2000 && step < 2010 ? NaN : step / 3000, step, 1000 + step);
    }
    writer.addScalar(NASTY, 1, 0);
    for (let step = 0; step < 3; step++) {
      writer.addHistogram(
        "w",
        Array.from({ length: 100 }, (_, i) => (i - 50) / 10 + step),
        step,
      );
      writer.addImage("img", { shape: [1, 2, 2], data: [step / 3, 0, 1, 0.5] }, step);
    }
    writer.addHistogram("const", [3, 3, 3], 0);
    writer.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("scalars: a compilable vega-lite v5 spec, an SVG and a text table, with every run and tag", async () => {
  const view = scalars(dir, { smoothing: 0.6 });
  const bundle = await toMimeBundle(view);
  const spec = bundle[VEGA_LITE_MIME] as Record<string, unknown>;
  assert.match(String(spec.$schema), /vega-lite\/v5/);
  assert.doesNotThrow(() => vl.compile(spec as never));
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  const text = bundle["text/plain"];
  assert.match(text, /2 run\(s\), 3 tag\(s\)/);
  assert.match(text, /lr_0\.01\s+loss\s+3000\s+/);
  // The spike survives the reduction to display buckets as a bucket maximum.
  const lossRows = view.rows.filter((r) => r.tag === "loss" && r.run === "lr_0.1");
  assert.ok(lossRows.length < 3000);
  assert.equal(Math.max(...lossRows.map((r) => r.max!)), Math.fround(100 + Math.exp(-1234 / 500)));
  // NaN leaves a gap: the acc series has two drawable segments.
  const accSegments = new Set(
    view.rows.filter((r) => r.tag === "acc" && r.run === "lr_0.1").map((r) => r.segment),
  );
  assert.deepEqual([...accSegments], [0, 1]);
});

test("scalars: tag/run filters, relative and wall-time axes, log-y, and bad options", async () => {
  const only = scalars(loadLogdir(dir), {
    tags: ["loss"],
    runs: /0\.01/,
    xAxis: "relative",
    logY: true,
    smoothing: 0,
  });
  assert.deepEqual(new Set(only.rows.map((r) => `${r.run}:${r.tag}`)), new Set(["lr_0.01:loss"]));
  assert.equal(only.rows[only.rows.length - 1].x, 2999, "relative seconds since the run's first point");
  const spec = only.spec as { spec: { layer: { encoding: { y: { scale: { type: string } } } }[] } };
  assert.equal(spec.spec.layer[0].encoding.y.scale.type, "log");
  const wall = scalars(dir, { tags: ["loss"], xAxis: "wall" });
  assert.equal(wall.rows[wall.rows.length - 1].x, (1000 + 2999) * 1000, "wall time in milliseconds");
  assert.throws(() => scalars(dir, { smoothing: 1 }), /smoothing must be in \[0, 1\)/);
  assert.throws(() => scalars(42 as never), /expects a logdir path/);
});

test("scalars: a user's tag with markup is escaped in the SVG", async () => {
  const svg = String((await toMimeBundle(scalars(dir, { tags: [NASTY] })))["image/svg+xml"]);
  assert.ok(!svg.includes("<script>"));
  assert.ok(svg.includes("&lt;script&gt;"));
});

test("histograms: re-binning conserves counts; the spec has a step slider; constants render", async () => {
  const h = makeHistogram(Array.from({ length: 1000 }, (_, i) => Math.sin(i)));
  const counts = rebin(histogramBuckets(h), -1, 1, 30);
  assert.ok(Math.abs(counts.reduce((a, b) => a + b, 0) - 1000) < 1e-9);
  const view = histograms(dir, "w", { run: "lr_0.1" });
  const bundle = await toMimeBundle(view);
  const spec = bundle[VEGA_LITE_MIME] as { params: { name: string; bind: { input: string; max: number } }[] };
  assert.equal(spec.params[0].bind.input, "range");
  assert.equal(spec.params[0].bind.max, 2);
  assert.doesNotThrow(() => vl.compile(spec as never));
  for (const step of [0, 1, 2]) {
    const total = view.bars.filter((b) => b.step === step).reduce((a, b) => a + b.count, 0);
    assert.ok(Math.abs(total - 100) < 1e-9, `step ${step} keeps 100 values`);
  }
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  assert.match(bundle["text/plain"], /histograms of "w" in run "lr_0.1" \(3 steps\)/);
  const constant = histograms(dir, "const");
  assert.deepEqual(constant.runs, ["lr_0.01", "lr_0.1"], "both runs that have the tag are shown");
  for (const run of constant.runs)
    assert.equal(
      constant.bars.filter((b) => b.run === run).reduce((a, b) => a + b.count, 0),
      3,
    );
  assert.throws(() => histograms(dir, "nope"), /no tag "nope"; available: "w", "const"/);
});

test("images: a slider over steps, the latest PNG, and an escaped HTML figure", async () => {
  const bundle = await toMimeBundle(images(dir, "img"));
  const spec = bundle[VEGA_LITE_MIME] as { data: { values: { run: string; step: number; url: string }[] } };
  assert.deepEqual(
    spec.data.values.map((v) => `${v.run}@${v.step}`),
    ["lr_0.01@0", "lr_0.01@1", "lr_0.01@2", "lr_0.1@0", "lr_0.1@1", "lr_0.1@2"],
  );
  assert.ok(spec.data.values[0].url.startsWith("data:image/png;base64,"));
  assert.doesNotThrow(() => vl.compile(spec as never));
  assert.match(
    String(bundle["image/svg+xml"]),
    /<image[^>]+href="data:image\/png;base64,/,
    "both runs' latest image",
  );
  const one = await toMimeBundle(images(dir, "img", { run: "lr_0.1" }));
  assert.ok(Buffer.from(String(one["image/png"]), "base64").subarray(1, 4).toString() === "PNG");
  assert.match(
    String(bundle["text/html"]),
    /<figcaption>lr_0\.01 \/ img — step 2<\/figcaption>.*<figcaption>lr_0\.1 \/ img/,
  );
});

test("the step sliders drive the charts: moving the param shows that step's data", async () => {
  const vega = await import("vega");
  const draw = async (spec: unknown, stepIndex: number): Promise<{ svg: string }> => {
    const view = new vega.View(vega.parse(vl.compile(spec as never).spec), { renderer: "none" });
    view.signal("stepIndex", stepIndex);
    await view.runAsync();
    const svg = await view.toSVG();
    view.finalize();
    return { svg };
  };
  const hist = histograms(dir, "w", { run: "lr_0.1" });
  const first = await draw(hist.spec, 0);
  assert.match(first.svg, /step 0/);
  const last = await draw(hist.spec, 2);
  assert.match(last.svg, /step 2/);
  const imageSpec = (await toMimeBundle(images(dir, "img")))[VEGA_LITE_MIME];
  const middle = await draw(imageSpec, 1);
  assert.match(middle.svg, /step 1/);
  assert.match(middle.svg, /<image[^>]+href="data:image\/png;base64,/);
});
