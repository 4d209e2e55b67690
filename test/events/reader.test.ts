// The reader: committed fixtures from PyTorch, tensorboardX and tfjs-node; damaged files; growing files.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { SummaryWriter, loadLogdir, readEvents } from "../../src/index";
import { emptyReadStats } from "../../src/events/reader";
import { frameRecord } from "../../src/events/record";
import { EventProto } from "../../src/events/schema";

const FIXTURES = join(__dirname, "../fixtures/events");
const LOSS = Array.from({ length: 10 }, (_, s) => Math.fround(1 / (s + 1)));

for (const writerName of ["pytorch", "tensorboardx"]) {
  test(`reads everything ${writerName}'s SummaryWriter logged`, () => {
    const logdir = loadLogdir(join(FIXTURES, writerName));
    const subRuns = writerName === "pytorch" ? ["grp_a", "grp_b"] : ["grp/a", "grp/b"];
    assert.deepEqual([...logdir.runs.keys()].sort(), [".", ...subRuns, "hp"].sort());
    const run = logdir.run(".");
    const loss = run.scalars.get("loss")!;
    assert.deepEqual([...loss.steps], [...Array(10).keys()]);
    assert.deepEqual([...loss.values], LOSS);
    assert.deepEqual(
      [...loss.wallTimes],
      [...loss.steps].map((s) => 1_700_000_000 + s),
    );
    assert.deepEqual([...run.scalars.get("weird")!.values], [NaN, Infinity, -Infinity]);
    const weights = run.histograms.get("weights")![0].value;
    assert.deepEqual([weights.num, weights.min, weights.max, weights.sum], [20, -5, 4.5, -5]);
    assert.equal(run.histograms.get("constant")![0].value.num, 10);
    const png = PNG.sync.read(run.images.get("img")![0].value[0].encoded);
    assert.deepEqual([png.width, png.height], [5, 4]);
    // Pixel (0, 0) of channel 0 held 0/60, channel 1 held 20/60, channel 2 held 40/60 (then x255, truncated).
    assert.deepEqual([...png.data.subarray(0, 3)], [0, 85, 170]);
    assert.deepEqual(
      run.texts.get("note/text_summary")!.map((p) => p.value),
      ["hello **world**"],
    );
    assert.deepEqual([...logdir.run(subRuns[1]).scalars.get("grp")!.values], [2]);
    const hp = logdir.run("hp");
    assert.deepEqual(
      hp.hparams.map((h) => h.kind),
      ["experiment", "session_start_info", "session_end_info"],
    );
    assert.deepEqual([...hp.scalars.get("hparam/acc")!.values], [Math.fround(0.9)]);
    if (writerName === "pytorch") {
      assert.equal(run.graphs.length, 1);
      assert.deepEqual([...run.scalars.get("v2")!.values], [0.5], "new_style plugin-tensor scalar");
      assert.deepEqual(run.stats.foreign, { tagged_run_metadata: 1 });
    }
  });
}

test("reads tfjs-node's summaryFileWriter (plugin tensors from TensorFlow's C++ writer)", () => {
  const run = loadLogdir(join(FIXTURES, "tfjs-node")).run(".");
  assert.deepEqual([...run.scalars.get("loss")!.values], LOSS);
  assert.deepEqual([...run.scalars.get("weird")!.values], [NaN]);
  const h = run.histograms.get("weights")![0].value;
  assert.equal(h.num, 20);
  assert.equal(h.bucketCounts.length, 30, "TF2's default 30 buckets");
});

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "ts-reader-"));
}

function writeScalars(dir: string, count: number): string {
  const writer = new SummaryWriter(dir);
  for (let step = 0; step < count; step++) writer.addScalar("x", step, step);
  writer.close();
  return join(dir, readdirSync(dir)[0]);
}

test("a truncated last record, a flipped payload byte and foreign records are skipped and counted", () => {
  const dir = tempDir();
  try {
    const file = writeScalars(dir, 100);
    const bytes = readFileSync(file);
    const firstSize = bytes.readUInt32LE(0) + 16;
    const recordSize = bytes.readUInt32LE(firstSize) + 16; // steps < 128: every scalar record has this size
    bytes[firstSize + 50 * recordSize + 20] ^= 0x10; // inside record for step 50
    const foreign = frameRecord(
      // SessionLog.STOP: foreign (a START would be a restart, see purge.test.ts).
      EventProto.encode({ wall_time: 1, step: 1, session_log: { status: 2 } }).finish(),
    );
    const garbage = frameRecord(Buffer.from([0xff, 0xff, 0xff]));
    const cut = Buffer.concat([bytes, foreign, garbage, frameRecord(Buffer.from("abc")).subarray(0, 9)]);
    writeFileSync(file, cut);
    const run = loadLogdir(dir).run(".");
    assert.equal(run.scalars.get("x")!.values.length, 99);
    assert.ok(!run.scalars.get("x")!.steps.includes(50));
    assert.equal(run.stats.badPayloadCrc, 1);
    assert.equal(run.stats.undecodable, 1);
    assert.deepEqual(run.stats.foreign, { session_log: 1 });
    assert.equal(run.stats.pendingBytes, 9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("reload() tails a growing file from where it stopped, completing a record written in two parts", () => {
  const dir = tempDir();
  try {
    const file = writeScalars(dir, 10);
    const logdir = loadLogdir(dir);
    assert.equal(logdir.run(".").scalars.get("x")!.values.length, 10);
    const next = frameRecord(
      EventProto.encode({
        wall_time: 2,
        step: 10,
        summary: { value: [{ tag: "x", simple_value: 10 }] },
      }).finish(),
    );
    appendFileSync(file, next.subarray(0, 20));
    logdir.reload();
    assert.equal(logdir.run(".").scalars.get("x")!.values.length, 10);
    assert.equal(logdir.run(".").stats.pendingBytes, 20);
    appendFileSync(file, next.subarray(20));
    logdir.reload();
    assert.deepEqual([...logdir.run(".").scalars.get("x")!.steps], [...Array(11).keys()]);
    assert.equal(logdir.run(".").stats.pendingBytes, 0);
    assert.equal(logdir.run(".").stats.records, 12, "nothing was read twice");
    writeScalars(join(dir, "later"), 3);
    logdir.reload();
    assert.deepEqual([...logdir.run("later").scalars.get("x")!.values], [0, 1, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("readEvents streams the records of one file in order", async () => {
  const dir = tempDir();
  try {
    const file = writeScalars(dir, 5);
    const stats = emptyReadStats();
    const kinds: string[] = [];
    const steps: number[] = [];
    for await (const record of readEvents(file, { stats })) {
      kinds.push(record.kind);
      if (record.kind === "summary") steps.push(record.step);
    }
    assert.deepEqual(kinds, ["file_version", "summary", "summary", "summary", "summary", "summary"]);
    assert.deepEqual(steps, [0, 1, 2, 3, 4]);
    assert.equal(stats.records, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadLogdir and readEvents reject a wrong path, naming the absolute path and the mistake", async () => {
  assert.throws(() => loadLogdir("/definitely/not/here"), /"\/definitely\/not\/here" does not exist/);
  const relativeMissing = "no-such-logdir-here";
  assert.throws(
    () => loadLogdir(relativeMissing),
    (error: Error) => error.message.includes(`(${join(process.cwd(), relativeMissing)}) does not exist`),
  );
  assert.throws(() => loadLogdir(__filename), /is a file, not a folder/);
  const drain = async (file: string) => {
    for await (const record of readEvents(file)) void record;
  };
  await assert.rejects(drain("no-such.tfevents"), /readEvents: "no-such\.tfevents" \(\/.*\) does not exist/);
  await assert.rejects(drain(__dirname), /readEvents: .* is a folder, not a file/);
});

test("tags are never confused between files read one after another (the read buffer is reused)", () => {
  const dir = tempDir();
  try {
    for (const name of ["one", "two", "three"]) {
      const writer = new SummaryWriter(join(dir, name));
      writer.addScalar(`tag_${name}`, 1, 0);
      writer.close();
    }
    for (const name of ["one", "two", "three"]) {
      const run = loadLogdir(join(dir, name)).run(".");
      assert.deepEqual([...run.scalars.keys()], [`tag_${name}`]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
