// What every view shares: an unknown tag or run is an error listing what exists; several runs with a tag are all
// shown; String(view) is its text summary; savePng/saveSvg write the still picture; steps tick as integers.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, scalars, histograms, images, prCurves } from "../../src/index";
import { distributions } from "../../src/views/distributions";
import { text } from "../../src/views/text";
import { audio } from "../../src/views/audio";
import { customScalars } from "../../src/views/custom-scalars";
import { hparams } from "../../src/views/hparams";
import { graph } from "../../src/views/graph";
import { tf } from "../../src/backend";

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ts-consistent-"));
  for (const run of ["a", "b"]) {
    const writer = new SummaryWriter(join(dir, run));
    for (let epoch = 0; epoch < 3; epoch++) {
      writer.addScalar("loss", 1 / (epoch + 1), epoch);
      writer.addHistogram("w", [epoch, epoch + 1, epoch + 2], epoch);
      writer.addImage("img", { shape: [1, 2, 2], data: [0, 0.5, 1, 0.25] }, epoch);
      writer.addPrCurve("cls", [1, 0, 1], [0.9, 0.2, 0.6], epoch, { numThresholds: 3 });
      writer.addText("notes", `epoch **${epoch}**`, epoch);
      writer.addAudio("beep", [0, 0.5, -0.5, 0], epoch, { sampleRate: 8 });
    }
    writer.addCustomScalars({ all: { losses: ["Multiline", ["loss"]] } });
    const sessions = new SummaryWriter(join(dir, "sessions"));
    sessions.addHparams({ lr: run === "a" ? 0.1 : 0.2 }, { "hp/acc": 0.5 }, { runName: run });
    sessions.close();
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 2, inputShape: [3], name: `dense_${run}` })],
    });
    writer.addGraph(model);
    model.dispose();
    writer.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const views = () => ({
  scalars: () => scalars(dir, { runs: ["a", "b"] }),
  histograms: () => histograms(dir, "w"),
  images: () => images(dir, "img"),
  prCurves: () => prCurves(dir, "cls"),
  distributions: () => distributions(dir, "w"),
  text: () => text(dir),
  audio: () => audio(dir, "beep"),
  customScalars: () => customScalars(dir),
  hparams: () => hparams(join(dir, "sessions")),
  graph: () => graph(dir, { run: "a" }),
});

test("an unknown tag is an error listing the tags that exist, in every view", () => {
  assert.throws(() => scalars(dir, { tags: ["nope"] }), /scalars: no tag "nope"; available: "loss"/);
  assert.throws(() => scalars(dir, { tags: /nope/ }), /scalars: no tag matches \/nope\/; available: "loss"/);
  assert.throws(() => histograms(dir, "nope"), /histograms: no tag "nope"; available: "w"/);
  assert.throws(() => images(dir, "nope"), /images: no tag "nope"; available: "img"/);
  assert.throws(() => prCurves(dir, "nope"), /prCurves: no tag "nope"; available: "cls"/);
  assert.throws(() => distributions(dir, "nope"), /distributions: no tag "nope"; available: "w"/);
  assert.throws(() => text(dir, "nope"), /text: no tag "nope"; available: "notes\/text_summary"/);
  assert.throws(() => audio(dir, "nope"), /audio: no tag "nope"; available: "beep"/);
});

test("an unknown run is an error listing the runs that exist, in every view", () => {
  const runsListed = /no run "zz"; available: "a", "b"/;
  assert.throws(() => scalars(dir, { runs: ["zz"] }), runsListed);
  assert.throws(() => histograms(dir, "w", { run: "zz" }), runsListed);
  assert.throws(() => images(dir, "img", { runs: ["zz"] }), runsListed);
  assert.throws(() => prCurves(dir, "cls", { run: "zz" }), runsListed);
  assert.throws(() => distributions(dir, "w", { run: "zz" }), runsListed);
  assert.throws(() => text(dir, undefined, { runs: ["zz"] }), runsListed);
  assert.throws(() => audio(dir, "beep", { run: "zz" }), runsListed);
  assert.throws(() => customScalars(dir, { runs: ["zz"] }), runsListed);
  assert.throws(() => hparams(join(dir, "sessions"), { runs: ["zz"] }), runsListed);
  assert.throws(() => graph(dir, { run: "zz" }), runsListed);
});

test("several runs with the tag: every one is shown, and the text names them (a graph: the choice is asked for)", () => {
  for (const name of [
    "scalars",
    "histograms",
    "images",
    "prCurves",
    "distributions",
    "text",
    "audio",
  ] as const) {
    const make = views()[name];
    const view = make();
    assert.match(String(view), /2 run/, `${name} names both runs`);
  }
  assert.deepEqual(histograms(dir, "w").runs, ["a", "b"]);
  assert.deepEqual(histograms(dir, "w", { runs: ["b"] }).runs, ["b"]);
  assert.equal(hparams(join(dir, "sessions")).sessions.length, 2);
  assert.throws(() => graph(dir), /several runs have a graph; pick one with \{ run \}: "a", "b"/);
});

test("String(view) is its text summary; savePng and saveSvg write the still picture", async () => {
  const out = mkdtempSync(join(tmpdir(), "ts-consistent-out-"));
  try {
    for (const [name, make] of Object.entries(views())) {
      const view = make();
      assert.equal(String(view), view.text);
      assert.doesNotMatch(String(view), /\[object Object\]/);
      const svg = await view.saveSvg(join(out, `${name}.svg`));
      assert.match(readFileSync(svg, "utf8"), /^<svg/);
      const png = await view.savePng(join(out, "sub", `${name}.png`));
      assert.equal(readFileSync(png).subarray(1, 4).toString(), "PNG");
    }
    await assert.rejects(() => scalars(dir).savePng(""), /savePng needs a file path/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("an axis of steps has integer ticks only (epochs 0, 1, 2: no 0.5)", async () => {
  const svg = await scalars(dir, { smoothing: 0 }).toSvg();
  // Each facet's x axis: from its "X-axis" aria label to the next axis.
  const xAxes = svg
    .split(/aria-label="X-axis/)
    .slice(1)
    .map((part) => part.split(/aria-label="Y-axis/)[0]);
  const labels = xAxes.flatMap((axis) =>
    [...axis.matchAll(/role-axis-label[\s\S]*?<\/g>/g)].flatMap((m) =>
      [...m[0].matchAll(/>([^<>]+)<\/text>/g)].map((t) => t[1]),
    ),
  );
  assert.ok(labels.includes("1") && labels.includes("2"), `step labels present: ${labels.join(" ")}`);
  assert.ok(!labels.some((l) => /^\d+\.5$/.test(l)), `no half steps: ${labels.join(" ")}`);
});
