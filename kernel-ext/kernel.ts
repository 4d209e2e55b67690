// The tensorscope Jupyter kernel: tslab's converter and executor (see execution.ts) behind our own ZeroMQ server,
// which fixes tslab's wire and protocol bugs (see docs/kernel.md) and adds rich results, display ids and comms.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import * as zmq from "zeromq";
import { setDisplaySink } from "../src/display";
import { setInteractiveLoader } from "../src/interactive";
import { comms, toBuffers, type SendOptions } from "./comms";
import { address, readConnectionFile, OrderedSender, type ConnectionInfo } from "./connection";
import { CellRunner, describeThrown } from "./execution";
import { recordInput, type History } from "./history";
import { installInputFunctions, StdinChannel } from "./stdin";
import { ShellHandlers } from "./shell";
import { decode, encode, newHeader, type Header, type JsonObject, type Message } from "./wire";

interface QueuedExecution {
  request: Message;
  reply: OrderedSender;
  /** Set when an earlier cell failed while this one was waiting (execute_request.stop_on_error). */
  aborted: boolean;
}

type StreamWrite = typeof process.stdout.write;

export class Kernel {
  readonly session = randomUUID();
  private readonly context = new AsyncLocalStorage<Partial<Header>>();
  private readonly sockets = {
    shell: new zmq.Router(),
    control: new zmq.Router(),
    // No high-water mark: past ZeroMQ's default 1000 queued messages a PUB socket drops, and a dropped `idle`
    // leaves the front end waiting forever (a cell printing thousands of lines faster than it reads).
    iopub: new zmq.Publisher({ sendHighWaterMark: 0 }),
    hb: new zmq.Reply(),
  };
  private readonly iopub = new OrderedSender(this.sockets.iopub);
  private readonly queue: QueuedExecution[] = [];
  private draining = false;
  private executionCount = 0;
  /** The execute request running now or run last: where output without any other owner goes. */
  private lastCell: Partial<Header> | undefined;
  private readonly handlers: ShellHandlers;
  private readonly history: History = [];
  private readonly stdin: StdinChannel;
  readonly log: (text: string) => void;

  constructor(
    private readonly info: ConnectionInfo,
    private readonly runner: CellRunner,
  ) {
    const realStderr = process.stderr.write.bind(process.stderr);
    this.log = (text) => void realStderr(`[tensorscope kernel] ${text}\n`);
    this.handlers = new ShellHandlers(this, runner, this.history);
    this.stdin = new StdinChannel(info.key, this.session, this.log);
  }

  static fromConnectionFile(path: string, rootDir = process.cwd()): Kernel {
    return new Kernel(readConnectionFile(path), new CellRunner(rootDir));
  }

  async start(): Promise<void> {
    // The stdin socket lives in a worker thread (stdin.ts), so that input() can block this one.
    const stdinBound = this.stdin.start(address(this.info, "stdin"));
    for (const [channel, socket] of Object.entries(this.sockets)) {
      await socket.bind(address(this.info, channel as keyof typeof this.sockets));
    }
    await stdinBound;
    this.installOutputHooks();
    comms.attach({
      publish: (msgType, content, options) => this.publish(msgType, content, options),
      reportError: (error, where, origin) => this.reportError(error, where, origin),
      currentCell: () => this.lastCell,
    });
    void this.serve(this.sockets.shell);
    void this.serve(this.sockets.control);
    void this.heartbeat();
    // TypeScript starts in its worker only now: kernel_info is answered at once, and the first cell waits for
    // the warm-up only if it comes before the warm-up is done.
    // Then, still before the first cell if a person is reading the notebook, TensorFlow.js loads here: after the
    // warm-up, so that kernel_info is never held up by it, and the first import of tensorscope finds it loaded.
    this.runner
      .warm()
      .catch((error: Error) => this.log(`TypeScript warm-up failed: ${error.message}`))
      .then(() => setImmediate(() => this.preload()));
  }

  private preload(): void {
    if (this.lastCell) return; // a cell came first: it loads what it imports itself
    const started = performance.now();
    const loaded = this.runner.preload();
    if (process.env.TENSORSCOPE_TIMING === "1" && loaded.length > 0) {
      this.log(`preloaded ${loaded.join(", ")}: ${(performance.now() - started).toFixed(0)} ms`);
    }
  }

  /** The request whose output this async context produces. */
  currentParent(): Partial<Header> | undefined {
    return this.context.getStore() ?? this.lastCell;
  }

  publish(
    msgType: string,
    content: JsonObject,
    options: SendOptions & { parent?: Partial<Header> } = {},
  ): void {
    const frames = encode(this.info.key, {
      header: newHeader(msgType, this.session),
      parent: options.parent ?? this.currentParent() ?? {},
      metadata: options.metadata ?? {},
      content,
      buffers: toBuffers(options.buffers),
    });
    this.iopub.send(frames).catch((error) => this.log(`iopub send failed: ${error}`));
  }

  reply(request: Message, sender: OrderedSender, msgType: string, content: JsonObject): Promise<void> {
    const frames = encode(this.info.key, {
      identities: request.identities,
      header: newHeader(msgType, this.session),
      parent: request.header,
      metadata: {},
      content,
      buffers: [],
    });
    return sender.send(frames);
  }

  /** Shows an error that has no request of its own (comm handler, stray rejection) in a cell's stderr. */
  reportError(error: unknown, where: string, origin?: Partial<Header>): void {
    const parent = origin ?? this.currentParent();
    const text = `${where}: ${describeThrown(error).traceback.join("\n")}\n`;
    if (parent) this.publish("stream", { name: "stderr", text }, { parent });
    else this.log(text);
  }

  interrupt(): void {
    this.runner.interrupt();
  }

  async close(): Promise<void> {
    comms.attach(undefined);
    setDisplaySink(undefined);
    setInteractiveLoader(undefined);
    for (const socket of Object.values(this.sockets)) socket.close();
    this.stdin.close();
    this.runner.close();
  }

  private async serve(socket: zmq.Router): Promise<void> {
    const sender = new OrderedSender(socket);
    for await (const frames of socket) {
      let message: Message;
      try {
        message = decode(this.info.key, frames);
      } catch (error) {
        this.log(`dropped a message: ${(error as Error).message}`);
        continue;
      }
      if (message.header.msg_type === "execute_request") this.enqueue(message, sender);
      else void this.handleNow(message, sender);
    }
  }

  private async heartbeat(): Promise<void> {
    const hb = this.sockets.hb;
    for await (const frames of hb) await hb.send(frames);
  }

  /** Everything but execution is answered at once, even while a cell runs (widgets talk during training). */
  private async handleNow(request: Message, sender: OrderedSender): Promise<void> {
    await this.context.run(request.header, async () => {
      this.publish("status", { execution_state: "busy" });
      try {
        await this.handlers.handle(request, sender);
      } catch (error) {
        this.log(`${request.header.msg_type} failed: ${(error as Error).stack}`);
      } finally {
        this.publish("status", { execution_state: "idle" });
      }
    });
  }

  private enqueue(request: Message, reply: OrderedSender): void {
    this.queue.push({ request, reply, aborted: false });
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      await this.context.run(job.request.header, () => this.execute(job));
    }
    this.draining = false;
  }

  private async execute({ request, reply, aborted }: QueuedExecution): Promise<void> {
    this.publish("status", { execution_state: "busy" });
    try {
      if (aborted) {
        await this.reply(request, reply, "execute_reply", {
          status: "aborted",
          execution_count: this.executionCount,
        });
        return;
      }
      const content = request.content as {
        code?: unknown;
        silent?: boolean;
        store_history?: boolean;
        allow_stdin?: boolean;
      };
      const code = typeof content.code === "string" ? content.code : "";
      const silent = content.silent === true;
      const stored = !silent && content.store_history !== false;
      if (stored) this.executionCount++;
      const count = this.executionCount;
      if (stored) recordInput(this.history, count, code);
      this.lastCell = request.header;
      if (!silent) this.publish("execute_input", { code, execution_count: count });
      this.stdin.begin(request, content.allow_stdin === true);
      const outcome = await this.runner
        .run(code, (text) => this.publish("stream", { name: "stderr", text }))
        .finally(() => this.stdin.end());
      if (outcome.status === "error") {
        const { status: _, ...error } = outcome;
        // Only the cells that were queued while this one ran are aborted: marked before the reply goes out, as a
        // cell sent once the front end has seen the error may arrive while the reply is still being sent.
        if ((request.content as { stop_on_error?: boolean }).stop_on_error !== false) {
          for (const queued of this.queue) queued.aborted = true;
        }
        if (!silent) this.publish("error", error);
        await this.reply(request, reply, "execute_reply", {
          status: "error",
          execution_count: count,
          ...error,
        });
        return;
      }
      if (outcome.result && !silent) {
        this.publish("execute_result", { execution_count: count, data: outcome.result, metadata: {} });
      }
      await this.reply(request, reply, "execute_reply", {
        status: "ok",
        execution_count: count,
        user_expressions: {},
        payload: [],
      });
    } finally {
      this.publish("status", { execution_state: "idle" });
    }
  }

  /** Routes process output, display() and tslab's own display API to the request that produced them. */
  private installOutputHooks(): void {
    const realStdout = process.stdout.write.bind(process.stdout);
    const realStderr = process.stderr.write.bind(process.stderr);
    const redirect = (name: "stdout" | "stderr", real: StreamWrite): StreamWrite =>
      ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        if (!this.currentParent())
          return (real as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
        const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        this.publish("stream", { name, text });
        const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
        callback?.();
        return true;
      }) as StreamWrite;
    const ask = (prompt: string, password: boolean) => this.stdin.ask(prompt, password);
    // Cells see names declared before them as `exports.<name>` (tslab's rewrite), so both places get them.
    for (const target of [globalThis as Record<string, unknown>, this.runner.cellScope]) {
      installInputFunctions(ask, target);
    }
    process.stdout.write = redirect("stdout", realStdout);
    process.stderr.write = redirect("stderr", realStderr);
    setDisplaySink(({ bundle, displayId, update }) => {
      const transient = displayId === undefined ? {} : { display_id: displayId };
      this.publish(update ? "update_display_data" : "display_data", {
        data: bundle,
        metadata: {},
        transient,
      });
    });
    // `{ interactive: true }` calls import the widgets (and register them) on first use, not at start-up.
    setInteractiveLoader(() => require("../widgets/src"));
    const tslabJupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
    tslabJupyter.lastWriteDisplayData = (content: JsonObject, update: boolean) =>
      this.publish(update ? "update_display_data" : "display_data", content);
  }
}
