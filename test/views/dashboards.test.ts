// text, distributions and hparams views: their data against hand-computed values (and TensorBoard's own
// distribution compressor), markup from the log inert, still pictures rendered.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vl from "vega-lite";
import { SummaryWriter, loadLogdir } from "../../src/index";
import { text } from "../../src/views/text";
import { distributions, compressHistogram, BASIS_POINTS } from "../../src/views/distributions";
import { hparams, parallelAxes } from "../../src/views/hparams";
import { toMimeBundle } from "../../src/display";
import { VEGA_LITE_MIME } from "../../src/views/render";
import type { Histogram } from "../../src/events/histogram";

const NASTY = `<script>alert("x")</script><img src=x onerror=alert(1)>`;
let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ts-dashboards-"));
  for (const [i, run] of ["a", "b"].entries()) {
    const writer = new SummaryWriter(join(dir, run));
    writer.addText("notes", `**bold** ${NASTY} [link](javascript:alert(1)) run ${run}`, 0);
    writer.addText("notes", "# heading\n\n| x | y |\n|---|---|\n| 1 | 2 |", 1);
    for (let step = 0; step < 5; step++)
      writer.addHistogram(
        "w",
        Array.from({ length: 300 }, (_, k) => Math.sin(k * 1.7) + step + i),
        step,
      );
    writer.close();
  }
  const hp = new SummaryWriter(join(dir, "hp"));
  for (const [lr, opt, acc] of [
    [0.1, "adam", 0.75],
    [0.3, "sgd", 0.5],
    [0.2, "adam", 1],
  ] as const)
    hp.addHparams({ lr, opt }, { accuracy: acc }, { runName: `lr=${lr}` });
  hp.close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("text: markdown rendered per step, runs side by side, raw HTML and javascript: links inert", async () => {
  const view = text(dir, "notes/text_summary");
  const html = view.toHtml();
  assert.match(html, /<th[^>]*>a<\/th><th[^>]*>b<\/th>/);
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /<h1>heading<\/h1>/);
  assert.match(html, /<table>/, "markdown tables render");
  assert.ok(!/<script|<img|onerror=/i.test(html.replace(/&lt;[^&]*&gt;/g, "")), "no raw HTML gets through");
  assert.ok(html.includes("&lt;script&gt;"), "markup is shown as text");
  assert.ok(!/href="javascript:/i.test(html), "javascript: links are refused");
  assert.match(String(view), /^text: 1 tag\(s\) in 2 run\(s\)/);
  const bundle = await toMimeBundle(view);
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  assert.ok(!String(bundle["image/svg+xml"]).includes("<script"), "the still picture escapes it too");
  assert.throws(() => text(dir, "nope"), /text: no tag "nope"; available: "notes\/text_summary"/);
});

test("distributions: the nine basis points of a hand-computed histogram", () => {
  // Buckets (0,1], (1,2], (2,3] hold 1, 1, 2 of 4 values: cumulative basis points 2500, 5000, 10000.
  const h: Histogram = {
    min: 0,
    max: 3,
    num: 4,
    sum: 6,
    sumSquares: 12,
    bucketLimits: [1, 2, 3],
    bucketCounts: [1, 1, 2],
  };
  const expected = [
    0,
    668 / 2500,
    1587 / 2500,
    1 + 585 / 2500,
    2,
    2 + 1915 / 5000,
    2 + 3413 / 5000,
    2 + 4332 / 5000,
    3,
  ];
  compressHistogram(h).forEach((v, k) =>
    assert.ok(Math.abs(v - expected[k]) < 1e-12, `bp ${BASIS_POINTS[k]}: ${v}`),
  );
  assert.deepEqual(compressHistogram({ ...h, num: 0 }), [0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test("distributions: the same bands as TensorBoard's own compressor on logged histograms", () => {
  const histogramsOf = [...loadLogdir(dir).runs.values()].flatMap((run) =>
    (run.histograms.get("w") ?? []).map((p) => p.value),
  );
  const script = `
import json, sys
from tensorboard.compat.proto.summary_pb2 import HistogramProto
from tensorboard.plugins.distribution.compressor import compress_histogram_proto
out = []
for h in json.load(sys.stdin):
    p = HistogramProto(min=h["min"], max=h["max"], num=h["num"], sum=h["sum"], sum_squares=h["sumSquares"], bucket_limit=h["bucketLimits"], bucket=h["bucketCounts"])
    out.append([v[1] for v in compress_histogram_proto(p)])
print(json.dumps(out))`;
  const oracle = JSON.parse(
    execFileSync(join(process.cwd(), ".venv/bin/python"), ["-c", script], {
      input: JSON.stringify(histogramsOf),
      encoding: "utf8",
    }),
  ) as number[][];
  assert.equal(oracle.length, 10);
  histogramsOf.forEach((h, i) =>
    compressHistogram(h).forEach((v, k) =>
      assert.ok(Math.abs(v - oracle[i][k]) < 1e-9, `histogram ${i} bp ${k}: ${v} vs ${oracle[i][k]}`),
    ),
  );
  const view = distributions(dir, "w");
  assert.deepEqual(view.runs, ["a", "b"]);
  assert.equal(view.rows.length, 10);
  assert.doesNotThrow(() => vl.compile(view.spec as never));
});

test("hparams: sessions from sub-runs, their metrics, and parallel-coordinate positions", async () => {
  const view = hparams(dir);
  assert.deepEqual(
    view.sessions.map((s) => [s.run, s.hparams.lr, s.hparams.opt, s.metrics.accuracy]),
    [
      ["hp/lr=0.1", 0.1, "adam", 0.75],
      ["hp/lr=0.2", 0.2, "adam", 1],
      ["hp/lr=0.3", 0.3, "sgd", 0.5],
    ].sort(),
  );
  // lr spans [0.1, 0.3]: 0.1 → 0, 0.2 → 0.5, 0.3 → 1; opt's categories sorted: adam → 0, sgd → 1; accuracy spans
  // [0.5, 1]: 0.75 → 0.5.
  const { columns, points } = parallelAxes(view.sessions, ["lr", "opt"], ["accuracy"]);
  assert.deepEqual(columns, ["lr", "opt", "accuracy"]);
  const at = (session: string, column: string): number =>
    points.find((p) => p.session === session && p.column === column)!.position;
  assert.ok(Math.abs(at("hp/lr=0.2", "lr") - 0.5) < 1e-9);
  assert.equal(at("hp/lr=0.3", "opt"), 1);
  assert.equal(at("hp/lr=0.1", "opt"), 0);
  assert.ok(Math.abs(at("hp/lr=0.1", "accuracy") - 0.5) < 1e-9);
  const spec = (await toMimeBundle(view))[VEGA_LITE_MIME] as Record<string, unknown>;
  assert.doesNotThrow(() => vl.compile(spec as never));
  assert.match(String(view), /hparams: 3 session\(s\), 2 hyperparameter\(s\), 1 metric\(s\)/);
  assert.throws(() => hparams(join(dir, "a")), /hparams: no session/);
});

test("hparams: the table sorts by the column chosen in its control, in vega (no kernel round trip)", async () => {
  const vega = await import("vega");
  const view = new vega.View(vega.parse(vl.compile(hparams(dir).spec as never).spec), { renderer: "none" });
  view.signal("sortBy", "lr");
  view.signal("descending", false);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  const order = [...svg.matchAll(/>(hp\/lr=0\.\d)</g)].map((m) => m[1]).slice(0, 3);
  assert.deepEqual(order, ["hp/lr=0.1", "hp/lr=0.2", "hp/lr=0.3"]);
});

test("hparams: brushing a range of the first metric dims the sessions outside it, in vega", async () => {
  const vega = await import("vega");
  const compiled = vl.compile(hparams(dir).spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  // What a drag on the strip stores: accuracy in [0.7, 1] (sessions at 0.75 and 1 in, 0.5 out).
  view.data("metricRange_store", [
    { unit: "concat_2", fields: [{ field: "accuracy", channel: "x", type: "R" }], values: [[0.7, 1]] },
  ]);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  const dimmed = [
    ...svg.matchAll(
      /aria-label="[^"]*session: ([^;"]+)[^"]*" role="graphics-symbol" aria-roledescription="line mark"[^>]*opacity="0.08"/g,
    ),
  ].map((m) => m[1]);
  assert.deepEqual([...new Set(dimmed)], ["hp/lr=0.3"]);
});

test("hparams: every metric has its brush; a session stays bright only inside every brushed range", async () => {
  const two = mkdtempSync(join(tmpdir(), "ts-hparams-two-"));
  try {
    const hp = new SummaryWriter(two);
    for (const [lr, acc, loss] of [
      [0.1, 0.75, 0.3],
      [0.2, 1, 0.6],
      [0.3, 0.5, 0.2],
      [0.4, 0.9, 0.1],
    ] as const)
      hp.addHparams({ lr }, { accuracy: acc, loss }, { runName: `lr=${lr}` });
    hp.close();
    const vega = await import("vega");
    const compiled = vl.compile(hparams(two).spec as never).spec;
    const brushes = (compiled.signals ?? []).map((s) => s.name).filter((n) => /^metricRange\d*$/.test(n));
    assert.deepEqual(brushes.sort(), ["metricRange", "metricRange1"], "one brush per metric");
    const dimmedWith = async (
      stores: Record<string, [string, string, [number, number]]>,
    ): Promise<string[]> => {
      const view = new vega.View(vega.parse(compiled), { renderer: "none" });
      for (const [name, [unit, metric, range]] of Object.entries(stores))
        view.data(`${name}_store`, [
          { unit, fields: [{ field: metric, channel: "x", type: "R" }], values: [range] },
        ]);
      await view.runAsync();
      const svg = await view.toSVG();
      view.finalize();
      const dimmed = svg.matchAll(
        /aria-label="[^"]*session: ([^;"]+)[^"]*" role="graphics-symbol" aria-roledescription="line mark"[^>]*opacity="0.08"/g,
      );
      return [...new Set([...dimmed].map((m) => m[1]))].sort();
    };
    // accuracy in [0.7, 1] keeps lr=0.1, 0.2, 0.4; loss in [0, 0.35] keeps lr=0.1, 0.3, 0.4: both keep 0.1 and 0.4.
    assert.deepEqual(await dimmedWith({ metricRange: ["concat_2", "accuracy", [0.7, 1]] }), ["lr=0.3"]);
    assert.deepEqual(await dimmedWith({ metricRange1: ["concat_3", "loss", [0, 0.35]] }), ["lr=0.2"]);
    assert.deepEqual(
      await dimmedWith({
        metricRange: ["concat_2", "accuracy", [0.7, 1]],
        metricRange1: ["concat_3", "loss", [0, 0.35]],
      }),
      ["lr=0.2", "lr=0.3"],
    );
  } finally {
    rmSync(two, { recursive: true, force: true });
  }
});

test("hparams: PyTorch's and tensorboardX's add_hparams output (fixtures)", () => {
  for (const writer of ["pytorch", "tensorboardx"]) {
    const view = hparams(join(__dirname, "..", "fixtures", "events", writer));
    assert.deepEqual(
      view.sessions.map((s) => [s.run, s.hparams, Math.round(s.metrics["hparam/acc"] * 1e6) / 1e6]),
      [["hp", { lr: 0.1, opt: "adam" }, 0.9]],
      writer,
    );
  }
});
