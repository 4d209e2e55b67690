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
  assert.match(failing.stdout, /FAILED .*edited\.ipynb cell 1: outputs differ \("console\.log\(1 \+ 2\)"\)/);
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
  // Long enough for TypeScript to start in the kernel on a loaded machine: the timeout counts from the cell's send.
  const run = nbtest("--timeout", "20", path);
  assert.equal(run.status, 1);
  assert.match(run.stdout, /cell 1: cell did not finish within 20 s \(--timeout\); it was interrupted/);
  assert.deepEqual(summaryLines(run.stdout), ["1 passed, 1 failed"], run.stdout);
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

/** A notebook of code cells (source, tags) for the runner, written into the work folder. */
function writeNotebook(
  name: string,
  cells: { source: string; outputs?: object[] }[],
  kernel = "tensorscope",
): string {
  const path = join(work, name);
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language: "typescript" } },
    cells: cells.map((cell, i) => ({
      cell_type: "code",
      id: `c${i}`,
      metadata: {},
      source: cell.source,
      outputs: cell.outputs ?? [],
      execution_count: null,
    })),
  };
  writeFileSync(path, JSON.stringify(notebook));
  return path;
}

const result = (text: string, count: number) => ({
  output_type: "execute_result",
  data: { "text/plain": [text] },
  metadata: {},
  execution_count: count,
});

test("nbval's comment markers work as the tags they stand for", () => {
  const path = writeNotebook("markers.ipynb", [
    { source: '// NBVAL_SKIP\nthrow new Error("must not run")' },
    { source: "// NBVAL_IGNORE_OUTPUT\nMath.random()", outputs: [result("0.5", 1)] },
    { source: '# NBVAL_RAISES_EXCEPTION\nthrow new RangeError("expected")'.replace("#", "//") },
    { source: "1 + 1", outputs: [result("2", 3)] },
  ]);
  const run = nbtest(path);
  assert.deepEqual(summaryLines(run.stdout), ["2 passed, 1 failed"], run.stdout);
  // The raising cell's stored outputs are empty, so its error output is a difference; nothing else fails.
  assert.match(run.stdout, /cell 3: outputs differ/);
  const lax = nbtest(
    "--lax",
    writeNotebook("lax.ipynb", [{ source: "// NBVAL_CHECK_OUTPUT\n1 + 1" }, { source: "2" }]),
  );
  assert.deepEqual(summaryLines(lax.stdout), ["1 passed, 1 failed"], lax.stdout);
  assert.match(lax.stdout, /lax\.ipynb cell 1: outputs differ/);
});

test("--jobs runs notebooks in parallel; --junit writes one test case per cell; a time summary is printed", () => {
  const good = writeNotebook("good.ipynb", [
    { source: "1 + 1", outputs: [result("2", 1)] },
    { source: "// NBVAL_SKIP\n0" },
  ]);
  const bad = writeNotebook("bad.ipynb", [{ source: "2 + 2", outputs: [result("5", 1)] }]);
  const junit = join(work, "junit.xml");
  const run = nbtest("--jobs", "2", "--junit", junit, good, bad);
  assert.deepEqual(summaryLines(run.stdout), ["1 passed, 1 failed"], run.stdout);
  assert.match(
    run.stdout,
    /time per notebook:\n\s+[\d.]+ s {2}\S*(good|bad)\.ipynb; slowest cell 1: [\d.]+ s "[12] \+ [12]"/,
  );
  const xml = readFileSync(junit, "utf8");
  assert.match(xml, /<testsuite name="[^"]*good\.ipynb" tests="2" failures="0" errors="0" skipped="1"/);
  assert.match(
    xml,
    /<testcase classname="[^"]*good\.ipynb" name="cell 2: \/\/ NBVAL_SKIP" time="0.000">\s*<skipped\/>/,
  );
  assert.match(xml, /<testsuite name="[^"]*bad\.ipynb" tests="1" failures="1"/);
  assert.match(
    xml,
    /<testcase [^>]*name="cell 1: 2 \+ 2"[^>]*>\s*<failure message="outputs differ \(&quot;2 \+ 2&quot;\)">text\/plain/,
  );
  const usage = nbtest("--jobs", "0", good);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--jobs expects a whole number/);
});

test("each notebook's metadata names its kernel; a kernel that dies fails its notebook at that cell, and the next notebook gets a new kernel", () => {
  const jupyterPath = join(work, "share-meta");
  mkdirSync(join(jupyterPath, "kernels", "absent-elsewhere"), { recursive: true });
  writeFileSync(
    join(jupyterPath, "kernels", "absent-elsewhere", "kernel.json"),
    JSON.stringify({
      argv: [process.execPath, "-e", "process.exit(4)", "{connection_file}"],
      display_name: "x",
    }),
  );
  const other = writeNotebook("other-kernel.ipynb", [{ source: "1" }], "absent-elsewhere");
  const dies = writeNotebook("dies.ipynb", [
    { source: "1 + 1", outputs: [result("2", 1)] },
    { source: "process.exit(1)" },
    { source: "3" },
  ]);
  const after = writeNotebook("after.ipynb", [{ source: "1 + 1", outputs: [result("2", 1)] }]);
  const run = spawnSync(process.execPath, ["--import", "tsx", CLI_SOURCE, "nbtest", other, dies, after], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, JUPYTER_PATH: jupyterPath, TENSORSCOPE_QUIET: "1" },
  });
  assert.match(run.stdout, /FAILED \S*other-kernel\.ipynb: kernel exited \(code 4\)/);
  assert.match(
    run.stdout,
    /FAILED \S*dies\.ipynb cell 2: cell raised an error \("process\.exit\(1\)"\)\n\s+kernel exited \(code 1\)/,
  );
  assert.match(run.stdout, /FAILED \S*dies\.ipynb cell 3: not run: the kernel died in cell 2/);
  assert.doesNotMatch(run.stdout, /after\.ipynb cell/);
  assert.deepEqual(summaryLines(run.stdout), ["2 passed, 3 failed"], run.stdout);
});
