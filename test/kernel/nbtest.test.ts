// The notebook runner end to end (`tensorscope nbtest`, run from source): passing notebooks, a hand-edited output
// failing with a readable diff, --update, timeouts, malformed notebooks and kernels that cannot start.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { CLI_SOURCE, ROOT } from "./helpers";

const FIXTURES = join(__dirname, "fixtures");
mkdirSync(join(ROOT, "test", "artifacts"), { recursive: true });
// Inside the project, as notebooks are, so that the kernel finds the project's node_modules from its folder.
const work = mkdtempSync(join(ROOT, "test", "artifacts", "nbtest-"));
after(() => rmSync(work, { recursive: true, force: true }));

function nbtest(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ["--import", "tsx", CLI_SOURCE, "nbtest", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, TENSORSCOPE_QUIET: "1" },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function summaryLines(stdout: string): string[] {
  return stdout.split("\n").filter((line) => /^\d+ passed, \d+ failed$/.test(line));
}

test("a notebook whose outputs match passes (sanitised timing, ignored and raising cells)", () => {
  const run = nbtest(join(FIXTURES, "small.ipynb"));
  assert.deepEqual(summaryLines(run.stdout), ["5 passed, 0 failed"], run.stdout + run.stderr);
  assert.equal(run.status, 0);
});

test("a hand-edited stored output fails with a diff; --update stores the fresh outputs", () => {
  const path = join(work, "edited.ipynb");
  const notebook = JSON.parse(readFileSync(join(FIXTURES, "small.ipynb"), "utf8"));
  notebook.cells[0].outputs[0].text = ["4\n"];
  notebook.cells[1].outputs[0].data["text/html"] = ["<div><b>Cart</b></div>"];
  writeFileSync(path, JSON.stringify(notebook));

  const failing = nbtest(path);
  assert.equal(failing.status, 1);
  assert.deepEqual(summaryLines(failing.stdout), ["3 passed, 2 failed"]);
  assert.match(failing.stdout, /FAILED .*edited\.ipynb cell 1: outputs differ \("1 \+ 2"\)/);
  assert.match(failing.stdout, /stream stdout: @@ line 1 \(- expected, \+ actual\)\n\s+- 4\n\s+\+ 3/);
  assert.match(
    failing.stdout,
    /cell 2: outputs differ[^\n]*\n\s+text\/html: @@ line 2[^\n]*\n\s+<div>\n\s+- <b>Cart<\/b>\n\s+\+ <b>Card<\/b>/,
  );

  const update = nbtest("--update", path);
  assert.equal(update.status, 0, update.stdout);
  const updated = JSON.parse(readFileSync(path, "utf8"));
  assert.deepEqual(updated.cells[0].outputs[0].text, ["3\n"]);
  assert.deepEqual(updated.cells[1].outputs[0].data["text/html"], ["<div>\n", "  <b>Card</b>\n", "</div>"]);
});

test("a cell that never ends fails after --timeout, is interrupted, and later cells still run", () => {
  const path = join(work, "endless.ipynb");
  copyFileSync(join(FIXTURES, "endless.ipynb"), path);
  const run = nbtest("--timeout", "3", path);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /cell 1: cell did not finish within 3 s \(--timeout\); it was interrupted/);
  assert.deepEqual(summaryLines(run.stdout), ["1 passed, 1 failed"]);
});

test("a malformed notebook gives a clear message and a failing exit code", () => {
  const run = nbtest(join(FIXTURES, "malformed.ipynb"));
  assert.equal(run.status, 1);
  assert.match(run.stdout, /malformed\.ipynb: not a readable notebook \(expected nbformat 4 JSON\)/);
  assert.deepEqual(summaryLines(run.stdout), ["0 passed, 1 failed"]);
});

test("a missing kernel and a kernel that dies at start-up give clear messages", () => {
  const missing = nbtest("--kernel", "no-such-kernel", join(FIXTURES, "small.ipynb"));
  assert.equal(missing.status, 1);
  assert.match(missing.stdout, /FAILED: no kernel named "no-such-kernel": searched /);
  assert.deepEqual(summaryLines(missing.stdout), ["0 passed, 1 failed"]);

  const jupyterPath = join(work, "share");
  mkdirSync(join(jupyterPath, "kernels", "dies"), { recursive: true });
  const argv = [
    process.execPath,
    "-e",
    "console.error('cannot start'); process.exit(3)",
    "{connection_file}",
  ];
  writeFileSync(
    join(jupyterPath, "kernels", "dies", "kernel.json"),
    JSON.stringify({ argv, display_name: "dies" }),
  );
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", CLI_SOURCE, "nbtest", "--kernel", "dies", join(FIXTURES, "small.ipynb")],
    { cwd: ROOT, encoding: "utf8", timeout: 60_000, env: { ...process.env, JUPYTER_PATH: jupyterPath } },
  );
  assert.equal(run.status, 1);
  assert.match(run.stdout, /kernel exited \(code 3\) before answering; its stderr:\ncannot start/);
  assert.deepEqual(summaryLines(run.stdout), ["0 passed, 1 failed"]);
});
