// input() / prompt() in cells through Jupyter's stdin channel: an input_request to the front end that sent the
// running execute_request (when it said allow_stdin), answered by its input_reply. Synchronous, as in IPython:
// the main thread blocks on Atomics.wait while a worker thread (stdin-worker.ts) owns the stdin socket and
// passes the reply over. The wait runs under vm's breakOnSigint, so an interrupt (SIGINT) ends it anywhere.
import { extname, join } from "node:path";
import * as vm from "node:vm";
import { Worker } from "node:worker_threads";
import {
  abandonAnswer,
  ANSWER_BYTES,
  expectAnswer,
  newAnswerSlot,
  takeAnswer,
  waitForAnswer,
} from "./stdin-answer";
import type { FromStdinWorker, StdinWorkerData, ToStdinWorker } from "./stdin-worker";
import { encode, newHeader, type Message } from "./wire";

type Ask = (prompt: string, password: boolean) => string;

/** The error IPython raises when the front end cannot answer input requests. */
export class StdinNotImplementedError extends Error {
  override name = "StdinNotImplementedError";
}

/** A global through which a vm script calls back into this module, under that script's SIGINT watchdog. */
const WAIT_HOOK = Symbol.for("tensorscope.stdin.wait");
const WAIT_SCRIPT = new vm.Script(`globalThis[Symbol.for("tensorscope.stdin.wait")]()`);

/** Compiled: stdin-worker.js beside this file. From source (tests run through tsx): tsx registered first. */
function startWorker(data: StdinWorkerData): Worker {
  const file = join(__dirname, `stdin-worker${extname(__filename)}`);
  if (extname(file) !== ".ts") return new Worker(file, { workerData: data });
  const code = `require("tsx/cjs"); require(${JSON.stringify(file)});`;
  return new Worker(code, { eval: true, workerData: data });
}

export class StdinChannel {
  private readonly slot = newAnswerSlot();
  private worker: Worker | undefined;
  private current: { request: Message; allowed: boolean } | undefined;
  private lastAsk = 0;

  constructor(
    private readonly key: string,
    private readonly session: string,
    private readonly log: (text: string) => void,
  ) {}

  /** Binds the stdin socket in its worker; resolves once it listens. */
  start(address: string): Promise<void> {
    const worker = startWorker({ address, key: this.key, slot: this.slot });
    this.worker = worker;
    worker.unref();
    return new Promise((resolve, reject) => {
      worker.on("message", (message: FromStdinWorker) => {
        if (message.type === "bound") resolve();
        else this.log(message.text);
      });
      worker.once("error", (error) => {
        this.log(`stdin channel failed: ${error.message}`);
        reject(error);
      });
    });
  }

  begin(request: Message, allowed: boolean): void {
    this.current = { request, allowed };
  }

  end(): void {
    this.current = undefined;
  }

  close(): void {
    abandonAnswer(this.slot);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  /** Sends an input_request and blocks this thread until the front end's input_reply (or an interrupt). */
  ask(prompt: string, password: boolean): string {
    const current = this.current;
    if (!current?.allowed || !this.worker) {
      throw new StdinNotImplementedError(
        "input() was called, but this front end does not support input requests.",
      );
    }
    const askId = ++this.lastAsk;
    const header = newHeader("input_request", this.session);
    const frames = encode(this.key, {
      identities: current.request.identities,
      header,
      parent: current.request.header,
      metadata: {},
      content: { prompt, password },
      buffers: [],
    });
    expectAnswer(this.slot, askId);
    this.worker.postMessage({ type: "ask", askId, msgId: header.msg_id, frames } satisfies ToStdinWorker);
    (globalThis as Record<symbol, unknown>)[WAIT_HOOK] = () => waitForAnswer(this.slot);
    try {
      WAIT_SCRIPT.runInThisContext({ breakOnSigint: true });
    } catch (error) {
      abandonAnswer(this.slot);
      throw error;
    } finally {
      delete (globalThis as Record<symbol, unknown>)[WAIT_HOOK];
    }
    const answer = takeAnswer(this.slot);
    if (answer === undefined) throw new Error(`input(): the answer is longer than ${ANSWER_BYTES} bytes`);
    return answer;
  }
}

/**
 * `input(prompt)` as in Python and `prompt(message, default)` as in browsers: both return the line typed, at
 * once (`await input()` works too, as awaiting a string gives the string).
 */
export function installInputFunctions(ask: Ask, target: Record<string, unknown>): void {
  target.input = (prompt: unknown = "") => ask(String(prompt), false);
  target.prompt = (message: unknown = "", fallback?: unknown) => {
    const text = ask(String(message), false);
    return text === "" && fallback !== undefined ? String(fallback) : text;
  };
}
