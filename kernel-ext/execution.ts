// Runs cells with tslab's own converter and executor (reused as they are). The executor reports through an
// injected console: `log` receives only the last expression's value, `error` receives diagnostics and thrown values.
// Capturing both here is what turns tslab's stderr-only failures into proper Jupyter errors and rich results.
import { createRequire } from "node:module";
import { format, inspect } from "node:util";
import type { Converter } from "tslab/dist/converter";
import type { ConverterSet, Executor } from "tslab/dist/executor";
import { isDisplayable, toMimeBundle, type MimeBundle } from "../src/display";
import { expandShorthands, type ExpandedCell } from "./shorthand";

const { createConverter } = require("tslab/dist/converter") as typeof import("tslab/dist/converter");
const { createExecutor } = require("tslab/dist/executor") as typeof import("tslab/dist/executor");

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome = { status: "ok"; result?: MimeBundle } | ({ status: "error" } & CellError);

/** tslab's compile diagnostics arrive as console.error("%s%d:%d - %s", file, line, column, text). */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";
// Stack frames inside the kernel or tslab only tell the user how cells are run, not where their code failed.
const INTERNAL_FRAME = /node_modules[\\/]tslab[\\/]|[\\/]kernel-ext[\\/]|\(node:|at node:/;

function lazyConverters(): ConverterSet {
  let node: Converter | undefined;
  let browser: Converter | undefined;
  return {
    get node() {
      return (node ??= createConverter({ isJS: false, isBrowser: false }));
    },
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node?.close();
      browser?.close();
    },
  };
}

/** A diagnostic of the expanded cell, pointing at the column the user typed. */
function inUserColumns(args: unknown[], cell: ExpandedCell): unknown[] {
  if (args[0] !== DIAGNOSTIC_FORMAT) return args;
  const [format, file, line, column, text] = args as [string, string, number, number, string];
  return [format, file, line, cell.userColumn(line, column), text];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

export function describeThrown(thrown: unknown): CellError {
  if (!(thrown instanceof Error)) {
    return { ename: "Error", evalue: inspect(thrown), traceback: [`Uncaught ${inspect(thrown)}`] };
  }
  const stack = (thrown.stack ?? `${thrown.name}: ${thrown.message}`).split("\n");
  // vm prefixes errors thrown while a script runs with the compiled JavaScript line and a caret: drop that.
  const start = Math.max(
    0,
    stack.findIndex((line) => line.startsWith(thrown.name)),
  );
  const traceback = stack.slice(start).filter((line, i) => i === 0 || !INTERNAL_FRAME.test(line));
  return { ename: thrown.name, evalue: thrown.message, traceback };
}

export class CellRunner {
  readonly executor: Executor;
  readonly typescriptVersion: string;
  private consoleErrors: unknown[][] = [];
  private lastValue: { value: unknown } | undefined;
  private interruptCurrent: (reason: Error) => void = () => undefined;

  constructor(rootDir: string) {
    const converters = lazyConverters();
    void converters.node; // warm the TypeScript program, as tslab's own kernel does, so the first cell is fast
    this.executor = createExecutor(rootDir, converters, {
      log: (...args: unknown[]) => (this.lastValue = { value: args[0] }),
      error: (...args: unknown[]) => this.consoleErrors.push(args),
    });
    const tslabRequire = createRequire(require.resolve("tslab/package.json"));
    this.typescriptVersion = tslabRequire("@tslab/typescript-for-tslab/package.json").version;
  }

  /** Stops the running cell: synchronous code through SIGINT (vm breakOnSigint), awaits through rejection. */
  interrupt(): void {
    this.executor.interrupt();
    this.interruptCurrent(new Error("Interrupted asynchronously"));
  }

  /** Runs one cell; `stderr` receives diagnostics of cells that still succeed (e.g. `@module` cells). */
  async run(code: string, stderr: (text: string) => void): Promise<CellOutcome> {
    this.consoleErrors = [];
    this.lastValue = undefined;
    const interrupted = new Promise<never>((_, reject) => (this.interruptCurrent = reject));
    interrupted.catch(() => undefined);
    const cell = expandShorthands(code);
    const ok = await this.executor.execute(cell.code);
    const reported = this.consoleErrors.splice(0).map((args) => inUserColumns(args, cell));
    if (!ok) return { status: "error", ...this.describeFailure(reported) };
    for (const args of reported) stderr(format(...args) + "\n");
    const last = this.takeLastValue();
    if (!last) return { status: "ok" };
    try {
      return { status: "ok", result: await Promise.race([this.present(last.value), interrupted]) };
    } catch (error) {
      return { status: "error", ...describeThrown(error) };
    } finally {
      this.interruptCurrent = () => undefined;
    }
  }

  close(): void {
    this.executor.close();
  }

  private takeLastValue(): { value: unknown } | undefined {
    const last = this.lastValue;
    this.lastValue = undefined;
    return last;
  }

  /** Displayables become an execute_result; other values are printed as tslab prints them. */
  private async present(value: unknown): Promise<MimeBundle | undefined> {
    const settled = isThenable(value) ? await value : value;
    if (isDisplayable(settled)) return toMimeBundle(settled);
    if (settled !== undefined && settled !== null) console.log(settled);
    return undefined;
  }

  private describeFailure(reported: unknown[][]): CellError {
    const diagnostics = reported
      .filter((args) => args[0] === DIAGNOSTIC_FORMAT)
      .map((args) => format(...args));
    if (diagnostics.length > 0) {
      return { ename: "CompileError", evalue: diagnostics[0], traceback: diagnostics };
    }
    const thrown = reported.filter((args) => args.length === 1).at(-1);
    if (thrown) return describeThrown(thrown[0]);
    return { ename: "Error", evalue: "cell failed", traceback: reported.map((args) => format(...args)) };
  }
}
