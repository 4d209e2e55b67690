// `tensorscope nbtest <notebooks or folders...>`: runs each notebook on a fresh kernel in the notebook's folder
// and compares outputs with the stored ones (nbval's rules, see docs/kernel.md). One summary line per run.
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { constants as osConstants } from "node:os";
import { parseArgs } from "node:util";
import { KernelClient } from "../client";
import { findKernelSpec } from "../kernelspec";
import { DEFAULT_COMPARE, type CompareOptions } from "./compare";
import { executeNotebook, SKIP_TAGS } from "./execute";
import { junitXml, type NotebookResult } from "./junit";
import { joinText, readNotebook, tags, writeNotebook, NotebookError, type Notebook } from "./notebook";
import { judgeCells, applyUpdate, firstLine, type Verdict } from "./verdict";
import { contextSanitizers, DEFAULT_SANITIZERS, readSanitizeFile, type Sanitizer } from "./sanitize";

export interface NbtestOptions {
  lax: boolean;
  update: boolean;
  timeoutSeconds: number;
  /** `--kernel`'s argv; otherwise the kernel each notebook's metadata names (ours when it names ours). */
  kernelArgv?: string[];
  customSanitizers: Sanitizer[];
}

/** Names under which a notebook means this package's kernel (started directly, no Jupyter needed). */
const OUR_KERNELS = new Set(["tensorscope", "tslab"]);

/** The kernel a notebook asks for in metadata.kernelspec.name: ours, or a kernelspec found on this machine. */
export function kernelArgvFor(notebook: Notebook): string[] {
  const name = (notebook.metadata as { kernelspec?: { name?: unknown } }).kernelspec?.name;
  if (typeof name !== "string" || OUR_KERNELS.has(name)) return defaultKernelArgv();
  return findKernelSpec(name).argv;
}

/** Our own kernel, started the way this process was (compiled, or through tsx's loader in development). */
export function defaultKernelArgv(): string[] {
  const cli = join(__dirname, "..", __filename.endsWith(".ts") ? "cli.ts" : "cli.js");
  const loaders: string[] = [];
  process.execArgv.forEach((arg, i) => {
    if (["--import", "--require", "--loader"].includes(arg)) loaders.push(arg, process.execArgv[i + 1]);
  });
  return [process.execPath, ...loaders, cli, "kernel", "--connection-file", "{connection_file}"];
}

export function findNotebooks(paths: string[]): string[] {
  return paths.flatMap((path) => {
    if (!existsSync(path)) throw new NotebookError(`${path}: no such notebook or folder`);
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .filter((name) => !name.startsWith(".") && name !== "node_modules")
      .sort()
      .flatMap((name) => {
        const child = join(path, name);
        return statSync(child).isDirectory()
          ? findNotebooks([child])
          : name.endsWith(".ipynb")
            ? [child]
            : [];
      });
  });
}

export async function testNotebook(path: string, options: NbtestOptions): Promise<Verdict[]> {
  const notebook = readNotebook(path);
  const notebookDir = dirname(resolve(path));
  const client = await KernelClient.start({
    argv: options.kernelArgv ?? kernelArgvFor(notebook),
    cwd: notebookDir,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "2" },
  });
  try {
    const runs = await executeNotebook(client, notebook, options.timeoutSeconds * 1000);
    const compare: CompareOptions = {
      ...DEFAULT_COMPARE,
      sanitizers: [...contextSanitizers(), ...DEFAULT_SANITIZERS, ...options.customSanitizers],
    };
    const verdicts = judgeCells(notebook, runs, compare, options);
    if (options.update) {
      applyUpdate(notebook, runs);
      writeNotebook(path, notebook);
    }
    return verdicts;
  } finally {
    await client.shutdown();
  }
}

function parseOptions(args: string[]): {
  paths: string[];
  kernel?: string;
  junit?: string;
  jobs: number;
  options: Omit<NbtestOptions, "kernelArgv">;
} {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      lax: { type: "boolean", default: false },
      update: { type: "boolean", default: false },
      timeout: { type: "string", default: "300" },
      kernel: { type: "string" },
      "sanitize-with": { type: "string" },
      junit: { type: "string" },
      jobs: { type: "string", short: "j", default: "1" },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new Error(`--jobs expects a whole number ≥ 1, got "${values.jobs}"`);
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0))
    throw new Error(`--timeout expects a positive number of seconds, got "${values.timeout}"`);
  if (positionals.length === 0) throw new Error("nbtest expects notebooks or folders to test");
  return {
    paths: positionals,
    kernel: values.kernel,
    junit: values.junit,
    jobs,
    options: {
      lax: values.lax,
      update: values.update,
      timeoutSeconds,
      customSanitizers: values["sanitize-with"] ? readSanitizeFile(values["sanitize-with"]) : [],
    },
  };
}

/** Runs one notebook and never throws: a notebook that cannot run is one failure with its reason. */
async function runOne(path: string, options: NbtestOptions): Promise<NotebookResult> {
  const name = relative(process.cwd(), path) || path;
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const verdicts = await testNotebook(path, options);
    return { name, verdicts, skipped: skippedCells(path), seconds: seconds() };
  } catch (error) {
    return { name, verdicts: [], skipped: [], error: (error as Error).message, seconds: seconds() };
  }
}

function skippedCells(path: string): [number, string][] {
  return readNotebook(path)
    .cells.map((cell, i) => [cell, i] as const)
    .filter(([cell]) => cell.cell_type === "code" && SKIP_TAGS.some((tag) => tags(cell).has(tag)))
    .map(([cell, i]) => [i + 1, firstLine(joinText(cell.source))]);
}

/** Runs notebooks `jobs` at a time (one kernel each); results in the order of `paths`. */
async function runAll(paths: string[], options: NbtestOptions, jobs: number): Promise<NotebookResult[]> {
  const results: NotebookResult[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < paths.length; i = next++) results[i] = await runOne(paths[i], options);
  };
  await Promise.all(Array.from({ length: Math.min(jobs, paths.length) }, worker));
  return results;
}

function report(result: NotebookResult): void {
  if (result.error !== undefined) console.log(`FAILED ${result.name}: ${result.error}\n`);
  for (const verdict of result.verdicts.filter((v) => !v.passed)) {
    console.log(
      `FAILED ${result.name} cell ${verdict.cellNumber}: ${verdict.title}\n${indent(verdict.details)}`,
    );
  }
}

/** Time per notebook and its slowest cell, slowest notebook first. */
function timeSummary(results: NotebookResult[]): string {
  const rows = [...results]
    .sort((a, b) => b.seconds - a.seconds)
    .map((r) => {
      const slowest = [...r.verdicts].sort((a, b) => b.seconds - a.seconds)[0];
      const cell = slowest
        ? `; slowest cell ${slowest.cellNumber}: ${slowest.seconds.toFixed(1)} s ${JSON.stringify(slowest.source)}`
        : "";
      return `  ${r.seconds.toFixed(1).padStart(7)} s  ${r.name}${cell}`;
    });
  return `time per notebook:\n${rows.join("\n")}`;
}

export async function nbtestCommand(args: string[]): Promise<number> {
  const { paths, kernel, junit, jobs, options: parsed } = parseOptions(args);
  const notebooks = findNotebooks(paths);
  if (notebooks.length === 0) throw new Error(`no notebooks (*.ipynb) under ${paths.join(", ")}`);
  let options: NbtestOptions;
  try {
    options = { ...parsed, kernelArgv: kernel ? findKernelSpec(kernel).argv : undefined };
  } catch (error) {
    console.log(`FAILED: ${(error as Error).message}\n`);
    console.log(`0 passed, ${notebooks.length} failed`);
    return 1;
  }
  const stopKernelsOnSignal = killKernelsOnSignal();
  let results: NotebookResult[];
  try {
    results = await runAll(notebooks, options, jobs);
  } finally {
    stopKernelsOnSignal();
  }
  results.forEach(report);
  if (junit) writeFileSync(junit, junitXml(results));
  const passed = results.reduce((n, r) => n + r.verdicts.filter((v) => v.passed).length, 0);
  const failed = results.reduce(
    (n, r) => n + r.verdicts.filter((v) => !v.passed).length + (r.error === undefined ? 0 : 1),
    0,
  );
  console.log(timeSummary(results));
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

/**
 * SIGTERM or SIGINT (a CI job cancelled, Ctrl-C) to the runner kills its kernels before it exits: they are its
 * children but not in its signal's way (SIGTERM is sent to one process), and a kernel busy in a cell would
 * otherwise run on, orphaned. Exits as a process killed by that signal would (128 + its number).
 */
function killKernelsOnSignal(): () => void {
  const handlers = (["SIGTERM", "SIGINT"] as const).map((signal) => {
    const handler = () => {
      const killed = KernelClient.killAllNow();
      console.error(`nbtest: ${signal}; killed ${killed} kernel${killed === 1 ? "" : "s"} and stopped`);
      process.exit(128 + osConstants.signals[signal]);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => handlers.forEach(([signal, handler]) => process.off(signal, handler));
}

function indent(text: string): string {
  if (text === "") return "";
  return text
    .split("\n")
    .map((line) => `    ${line}\n`)
    .join("");
}
