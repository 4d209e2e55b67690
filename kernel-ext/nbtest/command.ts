// `tensorscope nbtest <notebooks or folders...>`: runs each notebook on a fresh kernel in the notebook's folder
// and compares outputs with the stored ones (nbval's rules, see docs/kernel.md). One summary line per run.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { KernelClient } from "../client";
import { findKernelSpec } from "../kernelspec";
import { DEFAULT_COMPARE, type CompareOptions } from "./compare";
import { executeNotebook } from "./execute";
import { readNotebook, writeNotebook, NotebookError } from "./notebook";
import { judgeCells, applyUpdate, type Verdict } from "./verdict";
import { contextSanitizers, DEFAULT_SANITIZERS, readSanitizeFile, type Sanitizer } from "./sanitize";

export interface NbtestOptions {
  lax: boolean;
  update: boolean;
  timeoutSeconds: number;
  kernelArgv: string[];
  customSanitizers: Sanitizer[];
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
    argv: options.kernelArgv,
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
    },
  });
  const timeoutSeconds = Number(values.timeout);
  if (!(timeoutSeconds > 0))
    throw new Error(`--timeout expects a positive number of seconds, got "${values.timeout}"`);
  if (positionals.length === 0) throw new Error("nbtest expects notebooks or folders to test");
  return {
    paths: positionals,
    kernel: values.kernel,
    options: {
      lax: values.lax,
      update: values.update,
      timeoutSeconds,
      customSanitizers: values["sanitize-with"] ? readSanitizeFile(values["sanitize-with"]) : [],
    },
  };
}

export async function nbtestCommand(args: string[]): Promise<number> {
  const { paths, kernel, options: parsed } = parseOptions(args);
  let passed = 0;
  let failed = 0;
  const notebooks = findNotebooks(paths);
  if (notebooks.length === 0) throw new Error(`no notebooks (*.ipynb) under ${paths.join(", ")}`);
  let options: NbtestOptions;
  try {
    options = { ...parsed, kernelArgv: kernel ? findKernelSpec(kernel).argv : defaultKernelArgv() };
  } catch (error) {
    console.log(`FAILED: ${(error as Error).message}\n`);
    console.log(`0 passed, ${notebooks.length} failed`);
    return 1;
  }
  for (const path of notebooks) {
    const name = relative(process.cwd(), path) || path;
    try {
      for (const verdict of await testNotebook(path, options)) {
        if (verdict.passed) passed++;
        else {
          failed++;
          console.log(
            `FAILED ${name} cell ${verdict.cellNumber}: ${verdict.title}\n${indent(verdict.details)}`,
          );
        }
      }
    } catch (error) {
      failed++;
      console.log(`FAILED ${name}: ${(error as Error).message}\n`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function indent(text: string): string {
  if (text === "") return "";
  return text
    .split("\n")
    .map((line) => `    ${line}\n`)
    .join("");
}
