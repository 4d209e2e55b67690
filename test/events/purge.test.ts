// Restart purging, compared with TensorBoard's Python EventAccumulator (tb_read.py, purge_orphaned_data on, its
// default) on logdirs with restarts: PyTorch's and tensorboardX's purge_step, our writer's, a run with two
// SessionLog.STARTs, and a version-1 file whose steps go back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogdir, type LoadOptions } from "../../src/events/logdir";
import { SummaryWriter } from "../../src/events/writer";
import { frameRecord } from "../../src/events/record";
import { EventProto } from "../../src/events/schema";

const PYTHON = join(__dirname, "../../.venv/bin/python");
const RESTART = join(__dirname, "../fixtures/events/restart");
const noPython = !existsSync(PYTHON) && "no .venv";

type Series = { steps: number[]; values: number[] };

function tensorBoard(dir: string, tag: string): Series {
  const out = JSON.parse(execFileSync(PYTHON, [join(__dirname, "tb_read.py"), dir], { encoding: "utf8" }));
  const series = out["."].tensors[tag];
  return { steps: series.steps, values: series.values.map((v: number[]) => v[0]) };
}

function ours(dir: string, tag: string, purge: LoadOptions["purge"]): Series {
  const series = loadLogdir(dir, { purge }).run(".").scalars.get(tag)!;
  return { steps: [...series.steps], values: [...series.values] };
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

function eventFile(dir: string, events: Record<string, unknown>[]): void {
  writeFileSync(
    join(dir, "events.out.tfevents.1.host"),
    Buffer.concat(events.map((e) => frameRecord(EventProto.encode({ wall_time: 1, ...e }).finish()))),
  );
}
const scalar = (tag: string, step: number, value: number) => ({
  step,
  summary: { value: [{ tag, simple_value: value }] },
});

test(
  "purge 'tensorboard' gives EventAccumulator's points on PyTorch's and tensorboardX's resumed runs",
  { skip: noPython },
  () => {
    for (const writer of ["pytorch", "tensorboardx"]) {
      const dir = join(RESTART, writer);
      assert.deepEqual(ours(dir, "loss", "tensorboard"), tensorBoard(dir, "loss"), writer);
      // The resume START is the run's first, which EventAccumulator exempts: both sessions' steps 40-59 stay.
      assert.equal(ours(dir, "loss", "tensorboard").steps.length, 100);
    }
  },
);

test("purge 'resume' (the default) shows a resumed PyTorch run as one curve", () => {
  for (const writer of ["pytorch", "tensorboardx"]) {
    const run = loadLogdir(join(RESTART, writer)).run(".");
    const loss = run.scalars.get("loss")!;
    assert.deepEqual([...loss.steps], range(0, 80), writer);
    assert.deepEqual(
      [...loss.values],
      range(0, 80).map((s) => Math.fround(s < 40 ? s / 100 : 1 + s / 100)),
    );
    assert.deepEqual(
      run.histograms.get("w")!.map((p) => [p.step, p.value.min]),
      range(0, 80).map((s) => [s, s < 40 ? s : -s]),
      "histograms are purged too",
    );
    assert.equal(run.stats.purged, 40);
    assert.equal(run.stats.restarts, 1);
  }
});

test(
  "our writer's purgeStep is read by EventAccumulator as PyTorch's is, and by us as one curve",
  { skip: noPython },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-purge-"));
    try {
      const first = new SummaryWriter(dir);
      for (const step of range(0, 60)) first.addScalar("loss", step, step);
      first.close();
      const resumed = new SummaryWriter(dir, { purgeStep: 40 });
      for (const step of range(40, 80)) resumed.addScalar("loss", 1000 + step, step);
      resumed.close();
      assert.deepEqual(ours(dir, "loss", "tensorboard"), tensorBoard(dir, "loss"));
      assert.deepEqual(ours(dir, "loss", "resume"), {
        steps: range(0, 80),
        values: range(0, 80).map((s) => (s < 40 ? s : 1000 + s)),
      });
      assert.equal(ours(dir, "loss", "none").steps.length, 100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "a second SessionLog.START and a version-1 step regression purge as EventAccumulator does",
  { skip: noPython },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-purge-"));
    try {
      const start = (step: number) => ({ step, session_log: { status: 1 } });
      eventFile(dir, [
        { file_version: "brain.Event:2" },
        start(0),
        ...range(0, 60).map((s) => scalar("loss", s, s)),
        start(40),
        ...range(40, 80).map((s) => scalar("loss", s, 100 + s)),
      ]);
      const expected = { steps: range(0, 80), values: range(0, 80).map((s) => (s < 40 ? s : 100 + s)) };
      assert.deepEqual(tensorBoard(dir, "loss"), expected);
      for (const mode of ["tensorboard", "resume"] as const)
        assert.deepEqual(ours(dir, "loss", mode), expected);

      // Version 1: a step going back purges only the tags of the event that goes back.
      eventFile(dir, [
        { file_version: "brain.Event:1" },
        ...range(0, 60).flatMap((s) => [scalar("loss", s, s), scalar("other", s, s)]),
        ...range(30, 50).map((s) => scalar("loss", s, 100 + s)),
      ]);
      for (const tag of ["loss", "other"])
        for (const mode of ["tensorboard", "resume"] as const)
          assert.deepEqual(ours(dir, tag, mode), tensorBoard(dir, tag), `${tag} ${mode}`);
      assert.deepEqual(ours(dir, "loss", "resume").steps, range(0, 50));
      assert.deepEqual(ours(dir, "other", "resume").steps, range(0, 60));
      assert.equal(ours(dir, "loss", "none").steps.length, 80);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("a restart read in a later reload() purges what earlier loads kept", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-purge-"));
  try {
    const first = new SummaryWriter(dir);
    for (const step of range(0, 60)) first.addScalar("loss", step, step);
    first.close();
    const logdir = loadLogdir(dir);
    assert.equal(logdir.run(".").scalars.get("loss")!.length, 60);
    const resumed = new SummaryWriter(dir, { purgeStep: 40 });
    for (const step of range(40, 50)) resumed.addScalar("loss", -step, step);
    resumed.close();
    logdir.reload();
    assert.deepEqual([...logdir.run(".").scalars.get("loss")!.steps], range(0, 50));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
