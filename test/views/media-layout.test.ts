// audio and customScalars views: the WAV decoded back to the logged samples, the waveform envelope by hand, players
// per step with inert labels; custom-scalar layouts merged across runs, regexes matched, margin bands joined by step.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SummaryWriter, loadLogdir } from "../../src/index";
import { audio, decodeWav, waveformEnvelope } from "../../src/views/audio";
import { customScalars, mergeLayouts } from "../../src/views/custom-scalars";
import { toMimeBundle } from "../../src/display";

let dir = "";
const tone = (step: number): number[] =>
  Array.from({ length: 800 }, (_, i) => 0.5 * Math.sin((i * (step + 1)) / 10));
before(() => {
  dir = mkdtempSync(join(tmpdir(), "ts-media-"));
  for (const run of ["a", "b"]) {
    const writer = new SummaryWriter(join(dir, run));
    for (let step = 0; step < 2; step++) {
      writer.addAudio("tone", tone(step), step, { sampleRate: 8000 });
      for (const [tag, v] of Object.entries({
        "loss/train": 1 / (step + 1),
        "loss/val": 2 / (step + 1),
        other: 5,
        acc: step / 2,
        acc_lo: step / 2 - 0.1,
        acc_hi: step / 2 + 0.2,
      }))
        writer.addScalar(tag, v, step);
    }
    if (run === "a") writer.addCustomScalars({ Losses: { both: ["Multiline", ["^loss/"]] } });
    else writer.addCustomScalars({ Accuracy: { band: ["Margin", ["acc", "acc_lo", "acc_hi"]] } });
    writer.close();
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

test("audio: the WAV decodes to the logged samples; a player per step and run; waveforms pictured", async () => {
  const clip = loadLogdir(dir).runs.get("a")!.audio.get("tone")![1].value[0];
  const { sampleRate, samples } = decodeWav(clip.encoded);
  assert.equal(sampleRate, 8000);
  assert.equal(samples.length, 800);
  // 16-bit PCM: truncated at 1/32767 per unit on writing, read back at full scale 1/32768.
  tone(1).forEach((v, i) => assert.ok(Math.abs(samples[i] - v) <= 2 / 32767, `sample ${i}`));
  const view = audio(dir, "tone");
  const bundle = await toMimeBundle(view);
  assert.equal((String(bundle["text/html"]).match(/<audio controls/g) ?? []).length, 4);
  assert.match(String(bundle["text/html"]), /src="data:audio\/wav;base64,UklGR/);
  assert.match(String(bundle["image/svg+xml"]), /^<svg/);
  assert.match(String(view), /audio of "tone" in 2 run\(s\), 4 clip\(s\)/);
  assert.throws(() => audio(dir, "nope"), /audio: no tag "nope"; available: "tone"/);
});

test("audio: the envelope of each time bucket by hand", () => {
  const env = waveformEnvelope(Float32Array.from([0, 1, -1, 0.5, 0.25, -0.5]), 2, 3);
  assert.deepEqual(env, [
    { t: 0, min: 0, max: 1 },
    { t: 1, min: -1, max: 0.5 },
    { t: 2, min: -0.5, max: 0.25 },
  ]);
  assert.throws(() => decodeWav(Buffer.from("not a wav file")), /not a RIFF\/WAVE file/);
});

test("customScalars: layouts of both runs merged; regex tags per run; margin band joined by step", async () => {
  const view = customScalars(dir);
  assert.deepEqual(
    view.layout.categories.map((c) => [c.title, c.charts.map((ch) => ch.title)]),
    [
      ["Losses", ["both"]],
      ["Accuracy", ["band"]],
    ],
  );
  const spec = view.spec as { vconcat: { hconcat: { data: { values: Record<string, unknown>[] } }[] }[] };
  const lines = spec.vconcat[0].hconcat[0].data.values;
  assert.deepEqual([...new Set(lines.map((r) => r.series))].sort(), [
    "a/loss/train",
    "a/loss/val",
    "b/loss/train",
    "b/loss/val",
  ]);
  const band = spec.vconcat[1].hconcat[0].data.values.filter((r) => r.series === "a/acc");
  assert.deepEqual(
    band.map((r) => [r.step, r.value, r.lower, r.upper].map((v) => Math.round(Number(v) * 1e6) / 1e6)),
    [
      [0, 0, -0.1, 0.2],
      [1, 0.5, 0.4, 0.7],
    ],
  );
  assert.match((await toMimeBundle(view))["image/svg+xml"] as string, /^<svg/);
  assert.throws(() => customScalars(dir, { runs: ["zz"] }), /no run "zz"; available: "a", "b"/);
  assert.deepEqual(
    mergeLayouts([
      {
        categories: [{ title: "c", closed: false, charts: [{ title: "x", kind: "multiline", tags: ["1"] }] }],
      },
      {
        categories: [{ title: "c", closed: false, charts: [{ title: "x", kind: "multiline", tags: ["2"] }] }],
      },
    ]).categories[0].charts,
    [{ title: "x", kind: "multiline", tags: ["2"] }],
  );
});

test("dashboard: a tab for each kind the logdir holds, in TensorBoard's order, pictures of every view", async () => {
  const { dashboard } = await import("../../src/views/dashboard");
  const view = dashboard(dir);
  assert.deepEqual(
    view.tabs.map((t) => t.kind),
    ["scalars", "customScalars", "audio"],
  );
  const bundle = await toMimeBundle(view);
  const html = String(bundle["text/html"]);
  assert.equal((html.match(/<input type="radio"/g) ?? []).length, 3);
  assert.match(html, /<label for="tsdash\d+-2">audio<\/label>/);
  assert.match(
    String(bundle["image/svg+xml"]),
    /^<svg[^>]*><rect[^>]*\/><text[^>]*>SCALARS<\/text><svg y="26"/,
  );
  assert.match(String(view), /^dashboard of 2 run\(s\): scalars, customScalars, audio/);
  await view.savePng(join(dir, "dashboard.png"), 1);
});
