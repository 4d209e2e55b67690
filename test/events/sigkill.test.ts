// A writer killed with SIGKILL keeps everything up to its last flush and leaves a file every reader accepts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadLogdir } from "../../src/events/logdir";

const FLUSH_SECS = 0.2;
const PYTHON = join(__dirname, "../../.venv/bin/python");

test(
  "SIGKILL loses at most the last flush interval and leaves no damaged record",
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-kill-"));
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(__dirname, "child-writer.ts"), dir, String(FLUSH_SECS)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      // Each report: steps logged so far, and the bytes on disk then. Bytes that grew between two reports mean a
      // timed flush ran in between (nothing else flushes), which wrote every step logged before the earlier report.
      const reports: { count: number; bytes: number }[] = [];
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        for (const line of chunk.split("\n").filter(Boolean)) {
          const [count, bytes] = line.split(" ").map(Number);
          reports.push({ count, bytes });
        }
      });
      const flushedBefore = (): number[] =>
        reports.flatMap((r, i) => (i > 0 && r.bytes > reports[i - 1].bytes ? [reports[i - 1].count] : []));
      // Killed once two timed flushes were seen, however long the machine takes to get there.
      await new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          if (flushedBefore().length >= 2) {
            clearInterval(timer);
            resolve();
          }
        }, 10);
      });
      child.kill("SIGKILL");
      await new Promise((resolve) => child.once("exit", resolve));
      const surelyFlushed = Math.max(...flushedBefore());

      const run = loadLogdir(dir).run(".");
      const { steps, values } = run.scalars.get("x")!;
      assert.deepEqual(run.stats.badPayloadCrc + run.stats.badHeaderCrc + run.stats.undecodable, 0);
      assert.deepEqual([...steps], [...steps.keys()], "a gap-free prefix of what was logged");
      assert.deepEqual(
        values,
        steps.map((s) => s * 0.5),
      );
      assert.ok(
        steps.length >= surelyFlushed,
        `kept ${steps.length}, but ${surelyFlushed} had been logged before a timed flush that completed`,
      );
      if (existsSync(PYTHON)) {
        const out = JSON.parse(
          execFileSync(PYTHON, [join(__dirname, "tb_read.py"), dir], { encoding: "utf8" }),
        );
        assert.equal(out["."].tensors.x.steps.length, steps.length, "TensorBoard reads the same records");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("process.exit() without close() still writes everything buffered", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-exit-"));
  try {
    const child = spawnSync(process.execPath, [
      "--import",
      "tsx",
      join(__dirname, "child-writer.ts"),
      dir,
      "60",
      "exit",
    ]);
    assert.equal(child.status, 0);
    const run = loadLogdir(dir).run(".");
    assert.equal(run.scalars.get("x")!.steps.length, 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const signal of ["SIGTERM", "SIGINT"] as const)
  test(`${signal} (a kill of a training script, Ctrl-C) flushes everything logged, then ends the process`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-signal-"));
    try {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", join(__dirname, "child-writer.ts"), dir, "60", "signal"],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      child.kill(signal);
      const [code, killedBy] = await new Promise<[number | null, string | null]>((resolve) =>
        child.once("exit", (c, s) => resolve([c, s])),
      );
      assert.deepEqual([code, killedBy], [null, signal], "the process still dies of the signal");
      assert.equal(loadLogdir(dir).run(".").scalars.get("x")!.length, 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
