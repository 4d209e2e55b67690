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

test("SIGKILL loses at most the last flush interval and leaves no damaged record", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-kill-"));
  try {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(__dirname, "child-writer.ts"), dir, String(FLUSH_SECS)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const reports: { at: number; count: number }[] = [];
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter(Boolean))
        reports.push({ at: performance.now(), count: Number(line) });
    });
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (reports.length >= 20) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const killedAt = performance.now();
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));

    const run = loadLogdir(dir).run(".");
    const { steps, values } = run.scalars.get("x")!;
    assert.deepEqual(run.stats.badPayloadCrc + run.stats.badHeaderCrc + run.stats.undecodable, 0);
    assert.deepEqual([...steps], [...steps.keys()], "a gap-free prefix of what was logged");
    assert.deepEqual(
      values,
      steps.map((s) => s * 0.5),
    );
    // Everything the child had logged one flush interval (plus scheduling slack) before the kill is on disk.
    const safe = reports.filter((r) => r.at <= killedAt - FLUSH_SECS * 1000 - 150).pop();
    assert.ok(safe, "the child reported progress early enough");
    assert.ok(
      steps.length >= safe.count,
      `kept ${steps.length}, had logged ${safe.count} more than one interval before`,
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
});

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
