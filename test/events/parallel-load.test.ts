// Loading runs in worker threads must give exactly what one thread gives, for every kind of record, and leave
// each run ready to be tailed: reload() continues from the workers' offsets with their decoders' knowledge.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRuns, loadLogdir, type Logdir } from "../../src/events/logdir";
import { loadRunsInParallel } from "../../src/events/parallel-load";
import { RunReader } from "../../src/events/run-reader";
import { frameRecord } from "../../src/events/record";
import { DT, EventProto } from "../../src/events/schema";
import type { RunData } from "../../src/events/run-data";

const FIXTURES = join(__dirname, "../fixtures/events");

/** A run as plain data, Buffers checked to still be Buffers (structured clone would make them Uint8Arrays). */
function plain(run: RunData): unknown {
  const bytes = (b: Uint8Array): string => (Buffer.isBuffer(b) ? b.toString("base64") : "not a Buffer");
  return {
    ...run,
    scalars: [...run.scalars].map(([tag, s]) => [tag, [...s.steps], [...s.wallTimes], [...s.values]]),
    images: [...run.images].map(([tag, points]) => [
      tag,
      points.map((p) => ({
        ...p,
        value: p.value.map((image) => ({ ...image, encoded: bytes(image.encoded) })),
      })),
    ]),
    histograms: [...run.histograms],
    texts: [...run.texts],
    graphs: run.graphs.map(bytes),
  };
}

const plainLogdir = (logdir: Logdir): unknown => [...logdir.runs.values()].map(plain);

/** A TF2-style scalar: a float tensor, named a scalar by plugin metadata only on the tag's first value. */
function tensorScalar(step: number, value: number, withMetadata: boolean): Buffer {
  const metadata = withMetadata ? { plugin_data: { plugin_name: "scalars" } } : undefined;
  const tensor = { dtype: DT.FLOAT, float_val: [value], tensor_shape: {} };
  return frameRecord(
    EventProto.encode({
      wall_time: step,
      step,
      summary: { value: [{ tag: "loss", metadata, tensor }] },
    }).finish(),
  );
}

/** The three writers' fixtures side by side, plus a TF2-style run ending in half a record. */
function mixedLogdir(): { dir: string; tf2File: string } {
  const dir = mkdtempSync(join(tmpdir(), "ts-parallel-"));
  for (const writer of ["pytorch", "tensorboardx", "tfjs-node"])
    cpSync(join(FIXTURES, writer), join(dir, writer), { recursive: true });
  const tf2File = join(dir, "tf2", "events.out.tfevents.1.host");
  mkdirSync(join(dir, "tf2"));
  writeFileSync(tf2File, Buffer.concat([tensorScalar(0, 0.5, true), tensorScalar(1, 0.25, false)]));
  return { dir, tf2File };
}

test("worker threads load every kind of record exactly as the main thread does, and reload() carries on", () => {
  const { dir, tf2File } = mixedLogdir();
  const later = tensorScalar(2, 0.125, false);
  try {
    appendFileSync(tf2File, later.subarray(0, 10));
    const jobs = [...findRuns(dir)].map(([name, files]) => ({ name, files }));
    assert.ok(jobs.length >= 7, `fixture runs: ${jobs.length}`);
    const byWorkers = loadRunsInParallel(jobs, 2, false);
    const byMain = jobs.map((job) => RunReader.load(job.name, job.files));
    assert.deepEqual(
      byWorkers.map((r) => plain(r.data)),
      byMain.map((r) => plain(r.data)),
    );
    for (const reader of [...byWorkers, ...byMain])
      for (const [tag, series] of reader.data.scalars)
        assert.deepEqual(
          series.columns().map((column) => column.length),
          [series.length, series.length, series.length],
          `${reader.data.name}/${tag}: a full load keeps no spare column capacity`,
        );
    const tf2 = byWorkers.find((r) => r.data.name === "tf2")!.data;
    assert.deepEqual([...tf2.scalars.get("loss")!.values], [0.5, 0.25]);
    assert.equal(tf2.stats.pendingBytes, 10);

    const files = jobs.map((job) => job.files);
    appendFileSync(tf2File, later.subarray(10));
    for (const readers of [byWorkers, byMain]) readers.forEach((reader, i) => reader.read(files[i]));
    assert.deepEqual(
      byWorkers.map((r) => plain(r.data)),
      byMain.map((r) => plain(r.data)),
    );
    assert.deepEqual(
      [...tf2.scalars.get("loss")!.values],
      [0.5, 0.25, 0.125],
      "the worker's decoder came back",
    );
    assert.equal(tf2.stats.pendingBytes, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadLogdir with workers equals loadLogdir on one thread", () => {
  const { dir } = mixedLogdir();
  try {
    assert.deepEqual(
      plainLogdir(loadLogdir(dir, { workers: 1 })),
      plainLogdir(loadLogdir(dir, { workers: 0 })),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("loadLogdir rejects a workers count that is not a whole number", () => {
  for (const workers of [-1, 1.5, NaN])
    assert.throws(() => loadLogdir(FIXTURES, { workers }), /workers must be a whole number >= 0/);
});

test("a run a worker could not read is read again on the calling thread, so its error reaches the caller", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-parallel-"));
  try {
    const notAFile = join(dir, "events.out.tfevents.dir");
    mkdirSync(notAFile);
    assert.throws(() => loadRunsInParallel([{ name: "bad", files: [notAFile] }], 1, false), {
      code: "EISDIR",
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
