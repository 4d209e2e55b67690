// `tensorscope tutorial --out <dir>`: runs the tutorial's three notebooks on our kernel, without a browser,
// and writes each, executed, as HTML (converted by nbconvert from the project's .venv) for people who only
// want to look.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { KernelClient } from "./client";
import { PACKAGE_ROOT } from "./paths";
import { defaultKernelArgv } from "./nbtest/command";
import { executeNotebook, type CellRun } from "./nbtest/execute";
import { readNotebook, tags, writeNotebook, type Notebook } from "./nbtest/notebook";
import { applyUpdate } from "./nbtest/verdict";

export const TUTORIAL_NOTEBOOKS = [
  "7.1-model-structure.ipynb",
  "7.2-cnn-visualisation.ipynb",
  "7.3-training-visualisation.ipynb",
];
const CELL_TIMEOUT_MS = 300_000;

export class TutorialError extends Error {}

/** Creates the missing folders one by one: Node's recursive mkdir spins forever on some file systems (/proc). */
function makeDirs(dir: string): void {
  if (existsSync(dir)) return;
  makeDirs(dirname(dir));
  mkdirSync(dir);
}

function writableOutDir(out: string | undefined): string {
  if (!out)
    throw new TutorialError(
      "tutorial needs --out <dir>: the folder to write the executed notebooks (HTML) into",
    );
  const dir = resolve(out);
  try {
    makeDirs(dir);
    const probe = join(dir, `.tensorscope-write-test-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    throw new TutorialError(`tutorial cannot write to ${dir}: ${(error as Error).message}`);
  }
  return dir;
}

function nbconvertPath(): string {
  const path = join(PACKAGE_ROOT, ".venv", "bin", "jupyter-nbconvert");
  if (!existsSync(path)) {
    throw new TutorialError(
      `nbconvert is missing (${path}); run "npm run setup" to create the project's .venv`,
    );
  }
  return path;
}

/** The first cell that failed and was not meant to raise, as "cell N: ename: evalue". */
function firstFailure(notebook: Notebook, runs: CellRun[]): string | undefined {
  for (const run of runs) {
    const cell = notebook.cells[run.index];
    const expected = tags(cell).has("raises-exception") || tags(cell).has("nbval-raises-exception");
    if (run.status === "ok" || (run.status === "error" && expected)) continue;
    const error = run.outputs.find((o) => o.output_type === "error");
    const why = error ? `${error.ename}: ${error.evalue}` : (run.reason ?? run.status);
    return `cell ${run.index + 1}: ${why}`;
  }
  return undefined;
}

async function executeInPlace(path: string, notebook: Notebook): Promise<void> {
  const client = await KernelClient.start({
    argv: defaultKernelArgv(),
    cwd: join(PACKAGE_ROOT, "notebooks"),
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "2" },
  });
  try {
    const runs = await executeNotebook(client, notebook, CELL_TIMEOUT_MS);
    const failure = firstFailure(notebook, runs);
    if (failure) throw new TutorialError(`notebook ${basename(path)} failed at ${failure}`);
    applyUpdate(notebook, runs);
  } finally {
    await client.shutdown();
  }
}

function toHtml(nbconvert: string, executed: string, outDir: string): string {
  const run = spawnSync(nbconvert, ["--to", "html", "--output-dir", outDir, executed], { encoding: "utf8" });
  if (run.status !== 0) {
    throw new TutorialError(`nbconvert could not convert ${basename(executed)}:\n${run.stderr.trim()}`);
  }
  return join(outDir, basename(executed).replace(/\.ipynb$/, ".html"));
}

export async function tutorialCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  if (!existsSync(join(PACKAGE_ROOT, "notebooks"))) {
    throw new TutorialError(
      "the tutorial runs in a clone of the tensorscope repository: its notebooks are not in the npm package",
    );
  }
  const outDir = writableOutDir(values.out);
  const nbconvert = nbconvertPath();
  const scratch = mkdtempSync(join(tmpdir(), "tensorscope-tutorial-"));
  try {
    for (const name of TUTORIAL_NOTEBOOKS) {
      const source = join(PACKAGE_ROOT, "notebooks", name);
      const started = Date.now();
      const notebook = readNotebook(source);
      await executeInPlace(source, notebook);
      const executed = join(scratch, name);
      writeNotebook(executed, notebook);
      const html = toHtml(nbconvert, executed, outDir);
      console.log(`${name}: executed in ${((Date.now() - started) / 1000).toFixed(0)} s -> ${html}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return 0;
}
