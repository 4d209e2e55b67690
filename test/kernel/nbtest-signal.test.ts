// Stopping the notebook runner (a cancelled CI job sends SIGTERM; Ctrl-C sends SIGINT) ends its kernels too,
// even when they are busy in a cell that never yields, and with several kernels (--jobs).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { CLI_SOURCE, ROOT } from "./helpers";

mkdirSync(join(ROOT, "test", "artifacts"), { recursive: true });
// Inside the project, as notebooks are, so that the kernel finds the project's node_modules from its folder.
const work = mkdtempSync(join(ROOT, "test", "artifacts", "nbtest-signal-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** A notebook whose first cell writes its kernel's pid to `pidFile`, then never yields. */
function busyNotebook(path: string, pidFile: string): void {
  const source =
    'import { writeFileSync } from "node:fs";\n' +
    `writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));\n` +
    "while (true) {}";
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "tensorscope", display_name: "TypeScript (tensorscope)" } },
    cells: [{ cell_type: "code", id: "busy", metadata: {}, source, outputs: [], execution_count: null }],
  };
  writeFileSync(path, JSON.stringify(notebook));
}

/** Alive means running or sleeping: a killed child not yet reaped (a zombie) has stopped using anything. */
function alive(pid: number): boolean {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function stopRunnerAndCheckKernels(signal: "SIGTERM" | "SIGINT", notebooks: number): Promise<void> {
  const dir = mkdtempSync(join(work, `${signal}-`));
  const pidFiles = Array.from({ length: notebooks }, (_, i) => join(dir, `kernel-${i}.pid`));
  pidFiles.forEach((pidFile, i) => busyNotebook(join(dir, `busy-${i}.ipynb`), pidFile));
  const runner = spawn(
    process.execPath,
    ["--import", "tsx", CLI_SOURCE, "nbtest", "--jobs", String(notebooks), dir],
    { cwd: ROOT, env: { ...process.env, TENSORSCOPE_QUIET: "1" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  runner.stdout.on("data", (chunk: Buffer) => (output += chunk));
  runner.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => runner.once("exit", (code) => resolve(code)));
  let pids: number[] = [];
  try {
    await until(
      () => pidFiles.every((file) => existsSync(file) && readFileSync(file, "utf8") !== ""),
      "the busy cells",
    );
    pids = pidFiles.map((file) => Number(readFileSync(file, "utf8")));
    assert.ok(pids.every(alive), "the kernels run the busy cells");
    runner.kill(signal);
    const code = await exited;
    assert.equal(code, signal === "SIGTERM" ? 143 : 130, output);
    assert.match(output, new RegExp(`nbtest: ${signal}; killed ${notebooks} kernels? and stopped`));
    await until(() => !pids.some(alive), "the kernels to be gone", 5000);
  } finally {
    runner.kill("SIGKILL");
    for (const pid of pids.filter(alive)) process.kill(pid, "SIGKILL");
  }
}

test("SIGTERM to nbtest kills its kernels, busy in a cell, with --jobs 2", () =>
  stopRunnerAndCheckKernels("SIGTERM", 2));

test("SIGINT to nbtest kills its kernel", () => stopRunnerAndCheckKernels("SIGINT", 1));
