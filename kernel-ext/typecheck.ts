// The main thread's handle on the TypeScript worker (typecheck-worker.ts): one request at a time per call,
// answered in order. Starting the worker costs nothing on the main thread; TypeScript loads inside it.
import { extname, join } from "node:path";
import { Worker } from "node:worker_threads";
import type { CompletionInfo, ConvertResult, Diagnostic, IsCompleteResult } from "tslab/dist/converter";

export type CheckRequest = { id: number } & (
  | { op: "warm"; specifiers: string[] }
  | { op: "convert"; prevDecl: string; src: string }
  | { op: "inspect" | "complete"; prevDecl: string; src: string; position: number }
  | { op: "isComplete"; src: string }
);
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export type CheckResponse = { id: number; value?: unknown; error?: string };

export type Conversion =
  | { kind: "module"; diagnostics: Diagnostic[] }
  | { kind: "skipped" }
  | ({ kind: "converted" } & ConvertResult);

/** Compiled: typecheck-worker.js beside this file. From source (tests run through tsx): tsx registered first. */
function startWorker(): Worker {
  const file = join(__dirname, `typecheck-worker${extname(__filename)}`);
  if (extname(file) !== ".ts") return new Worker(file);
  const code = `require("tsx/cjs"); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true });
}

export class TypeChecker {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** Set once the worker is gone: later calls fail at once instead of waiting forever. */
  private dead: Error | undefined;

  constructor() {
    this.worker = startWorker();
    this.worker.unref();
    this.worker.on("message", (response: CheckResponse) => this.settle(response));
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`the TypeScript worker exited (code ${code})`)));
  }

  /** Loads TypeScript and the declarations of these packages ahead of the first cell. */
  warm(specifiers: string[]): Promise<void> {
    return this.call({ op: "warm", specifiers }) as Promise<void>;
  }

  convert(prevDecl: string, src: string): Promise<Conversion> {
    return this.call({ op: "convert", prevDecl, src }) as Promise<Conversion>;
  }

  /** TypeScript's quick info (type and doc comment) of the name at `position`, or null. */
  inspect(prevDecl: string, src: string, position: number): Promise<string | null> {
    return this.call({ op: "inspect", prevDecl, src, position }) as Promise<string | null>;
  }

  complete(prevDecl: string, src: string, position: number): Promise<CompletionInfo> {
    return this.call({ op: "complete", prevDecl, src, position }) as Promise<CompletionInfo>;
  }

  isComplete(src: string): Promise<IsCompleteResult> {
    return this.call({ op: "isComplete", src }) as Promise<IsCompleteResult>;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private call(request: WithoutId<CheckRequest>): Promise<unknown> {
    const id = this.nextId++;
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private settle({ id, value, error }: CheckResponse): void {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    if (error === undefined) waiter?.resolve(value);
    else waiter?.reject(new Error(error));
  }

  private failAll(error: Error): void {
    this.dead ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** What the kernel defines globally (stdin.ts), declared to every cell so that input() and prompt() type-check. */
export const KERNEL_GLOBALS = `declare global {
  /** Asks the front end for a line of text (Jupyter's stdin channel) and waits for it, as Python's input(). */
  function input(prompt?: string): string;
  /** Asks the front end for a line of text and waits for it; \`fallback\` when the answer is empty. */
  function prompt(message?: string, fallback?: string): string;
}
`;
