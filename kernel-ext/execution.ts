// Runs cells: TypeScript checks and emits them in a worker (typecheck.ts, tslab's converter); the JavaScript runs
// here in this context, with `exports` shared between cells as tslab does. The cell's last value comes back as
// data, so the kernel can send it as an execute_result.
import { inspect } from "node:util";
import vm from "node:vm";
import type { MimeBundle } from "../src/display";
import { cellRequire, preloadPackages, preloadTensorflow, type SideModules } from "./cell-require";
import { interruptTraining, watchTraining } from "./fit-interrupt";
import { expandShorthands, type ExpandedCell } from "./shorthand";
import { resultBundle } from "./result";
import { TypeChecker } from "./typecheck";
import type { Diagnostic } from "tslab/dist/converter";

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome = { status: "ok"; result?: MimeBundle } | ({ status: "error" } & CellError);

// Stack frames inside the kernel or tslab only tell the user how cells are run, not where their code failed.
const INTERNAL_FRAME = /node_modules[\\/]tslab[\\/]|[\\/]kernel-ext[\\/]|\(node:|at node:/;

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

/** `line:column - message`, with the column the user typed (before shorthands were spelled out). */
function formatDiagnostic(diagnostic: Diagnostic, cell: ExpandedCell): string {
  const line = diagnostic.start.line + 1;
  const column = cell.userColumn(line, diagnostic.start.character + 1);
  return `${diagnostic.fileName ? diagnostic.fileName + " " : ""}${line}:${column} - ${diagnostic.messageText}`;
}

export class CellRunner {
  readonly checker = new TypeChecker();
  readonly typescriptVersion: string;
  /** Declarations of every earlier cell, as tslab's converter carries them over. */
  private prevDecl = "";
  private readonly exports: Record<string, unknown>;
  /** The names cells share (tslab's `exports`): where the kernel's own globals for cells go too. */
  get cellScope(): Record<string, unknown> {
    return this.exports;
  }
  private readonly require: NodeJS.Require;
  private readonly sideModules: SideModules = { sources: new Map(), loaded: new Map() };
  private interruptCurrent: (reason: Error) => void = () => undefined;

  constructor(private readonly rootDir: string) {
    this.typescriptVersion = (
      require(
        require.resolve("@tslab/typescript-for-tslab/package.json", {
          paths: [require.resolve("tslab/package.json")],
        }),
      ) as { version: string }
    ).version;
    this.exports = sharedExports();
    this.require = cellRequire(rootDir, this.sideModules);
    // Cells reach these through `__tslab__`, as tslab's compiled output expects.
    vm.runInThisContext("(x) => { globalThis.__tslab__ = x; }")({
      exports: this.exports,
      require: this.require,
    });
  }

  /** Loads TypeScript and tensorscope's declarations in the worker while the kernel waits for its first cell. */
  warm(): Promise<void> {
    let specifiers: string[] = [];
    try {
      require.resolve("tensorscope", { paths: [this.rootDir] });
      specifiers = ["tensorscope"];
    } catch {
      // tensorscope is not installed where the notebook is: warm TypeScript only.
    }
    return this.checker.warm(specifiers);
  }

  /** TensorFlow.js and its native backend, loaded while the kernel waits for its first cell (cell-require.ts). */
  preload(): string[] {
    return preloadTensorflow(this.require);
  }

  /** Stops the running cell: synchronous code through SIGINT (vm breakOnSigint), awaits through rejection. */
  interrupt(): void {
    interruptTraining();
    this.interruptCurrent(new Error("Interrupted asynchronously"));
  }

  inspect(code: string, position: number): Promise<string | null> {
    return this.checker.inspect(this.prevDecl, code, position);
  }

  complete(code: string, position: number) {
    return this.checker.complete(this.prevDecl, code, position);
  }

  isComplete(code: string) {
    return this.checker.isComplete(code);
  }

  /** Runs one cell; `stderr` receives diagnostics of cells that still succeed (`@module` cells). */
  async run(code: string, stderr: (text: string) => void): Promise<CellOutcome> {
    const interrupted = new Promise<never>((_, reject) => (this.interruptCurrent = reject));
    interrupted.catch(() => undefined);
    try {
      const cell = expandShorthands(code);
      const checked = this.checker.convert(this.prevDecl, cell.code);
      // While TypeScript checks the cell in the worker, its packages load here.
      preloadPackages(cell.code, this.require);
      watchTraining(); // so that a fit in this very cell can be interrupted
      const conversion = await Promise.race([checked, interrupted]);
      if (conversion.kind === "module") {
        for (const d of conversion.diagnostics) stderr(formatDiagnostic(d, cell) + "\n");
        return { status: "ok" };
      }
      if (conversion.kind === "skipped") return { status: "ok" };
      for (const side of conversion.sideOutputs ?? []) {
        this.sideModules.loaded.delete(side.path);
        this.sideModules.sources.set(side.path, side.data);
      }
      if (conversion.diagnostics.length > 0) {
        const diagnostics = conversion.diagnostics.map((d) => formatDiagnostic(d, cell));
        return { status: "error", ename: "CompileError", evalue: diagnostics[0], traceback: diagnostics };
      }
      if (conversion.output) await this.evaluate(conversion.output, conversion.hasToplevelAwait, interrupted);
      this.prevDecl = conversion.declOutput ?? "";
      watchTraining();
      const name = conversion.lastExpressionVar;
      if (!name) return { status: "ok" };
      let value = this.exports[name];
      delete this.exports[name];
      if (isThenable(value)) value = await Promise.race([value, interrupted]);
      return value === undefined ? { status: "ok" } : { status: "ok", result: await resultBundle(value) };
    } catch (error) {
      return { status: "error", ...describeThrown(error) };
    } finally {
      this.interruptCurrent = () => undefined;
    }
  }

  close(): void {
    void this.checker.close();
  }

  private async evaluate(js: string, topLevelAwait = false, interrupted: Promise<never>): Promise<void> {
    // Wrapped in a function as tslab does: faster, and `let`/`const` may be declared again in later cells.
    const prefix = topLevelAwait ? "(async function(exports, require) { " : "(function(exports, require) { ";
    const wrapped = `${prefix}${js}\n})(__tslab__.exports, __tslab__.require)`;
    const ret: unknown = vm.runInThisContext(wrapped, { breakOnSigint: true });
    if (topLevelAwait) await Promise.race([ret, interrupted]);
  }
}

/** Cells' top-level names; TypeScript's named imports arrive as defineProperty and must stay reassignable. */
function sharedExports(): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  return new Proxy(target, {
    defineProperty: (_target, prop, attrs) => {
      if (prop === "__esModule") return true;
      target[prop as string] = attrs.get ? attrs.get() : attrs.value;
      return true;
    },
  });
}
