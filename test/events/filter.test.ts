// loadLogdir(dir, { runs, tags, kinds }) keeps only what was asked for; images and audio stay in their files
// until read (also when a worker thread loaded the run).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogdir } from "../../src/events/logdir";
import { SummaryWriter } from "../../src/events/writer";
import { loadRunsInParallel } from "../../src/events/parallel-load";
import { findRuns } from "../../src/events/logdir";
import { FileSlice, storedOf } from "../../src/events/stored-bytes";
import { encodePng } from "../../src/image/png";

const pixels = (seed: number) => ({
  shape: [3, 4, 5],
  data: Array.from({ length: 60 }, (_, i) => ((i * seed) % 11) / 10),
});

function writeRuns(dir: string): void {
  for (const name of ["a", "b"]) {
    const writer = new SummaryWriter(join(dir, name));
    for (let step = 0; step < 5; step++) {
      writer.addScalar("loss", step, step);
      writer.addScalar("acc", -step, step);
      writer.addImage("loss_img", pixels(step + 1), step);
      writer.addAudio("loss_sound", [0, 0.5, -0.5], step, { sampleRate: 100 });
    }
    writer.addHistogram("loss_hist", [1, 2, 3], 0);
    writer.close();
  }
}

test("runs, tags and kinds filter what is loaded, and reload() keeps filtering", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-filter-"));
  try {
    writeRuns(dir);
    const logdir = loadLogdir(dir, { runs: ["a"], tags: /^loss/, kinds: ["scalars", "images"] });
    assert.deepEqual([...logdir.runs.keys()], ["a"]);
    const run = logdir.run("a");
    assert.deepEqual([...run.scalars.keys()], ["loss"]);
    assert.deepEqual([...run.images.keys()], ["loss_img"]);
    assert.equal(run.audio.size + run.histograms.size, 0);
    const writer = new SummaryWriter(join(dir, "a"));
    writer.addScalar("loss", 9, 9);
    writer.addScalar("acc", 9, 9);
    writer.close();
    logdir.reload();
    assert.deepEqual([...logdir.run("a").scalars.get("loss")!.steps], [0, 1, 2, 3, 4, 9]);
    assert.deepEqual([...logdir.runs.keys()], ["a"]);
    assert.deepEqual(
      [
        ...loadLogdir(dir, { tags: ["acc"] })
          .run("b")
          .scalars.keys(),
      ],
      ["acc"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("image and audio bytes are read from the event file on access, on the main thread or from a worker", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-lazy-"));
  try {
    writeRuns(dir);
    const expected = [0, 1, 2, 3, 4].map((s) => encodePng(imageOf(s)));
    const jobs = [...findRuns(dir)].map(([name, files]) => ({ name, files }));
    const fromWorkers = loadRunsInParallel(jobs, 2, false).map((reader) => reader.data);
    for (const run of [loadLogdir(dir, { workers: 0 }).run("a"), fromWorkers[0]]) {
      const images = run.images.get("loss_img")!;
      images.forEach((point, s) => {
        assert.ok(storedOf(point.value[0]) instanceof FileSlice, "kept as an offset into the file");
        assert.deepEqual(point.value[0].encoded, expected[s]);
      });
      const clip = run.audio.get("loss_sound")![0].value[0];
      assert.ok(storedOf(clip) instanceof FileSlice);
      assert.equal(clip.encoded.subarray(0, 4).toString("latin1"), "RIFF");
      assert.equal(clip.lengthFrames, 3);
    }
    const run = loadLogdir(dir).run("b");
    rmSync(join(dir, "b"), { recursive: true });
    assert.throws(() => run.images.get("loss_img")![0].value[0].encoded, /cannot be read any more/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function imageOf(step: number) {
  const { data } = pixels(step + 1);
  const rgba = new Uint8ClampedArray(20 * 4);
  for (let p = 0; p < 20; p++) {
    for (let c = 0; c < 3; c++) rgba[p * 4 + c] = data[c * 20 + p] * 255;
    rgba[p * 4 + 3] = 255;
  }
  return { width: 5, height: 4, data: rgba };
}

test("bad filter options are clear errors", () => {
  assert.throws(() => loadLogdir(".", { kinds: ["scalar" as never] }), /unknown kinds \["scalar"\]/);
  assert.throws(() => loadLogdir(".", { runs: "a" as never }), /runs must be an array of names or a RegExp/);
  assert.throws(() => loadLogdir(".", { purge: "all" as never }), /purge must be/);
});
