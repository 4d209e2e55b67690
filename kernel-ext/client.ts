// A minimal Jupyter client over ZeroMQ (no Python): starts a kernel process from kernelspec argv, sends requests
// and gathers each request's iopub messages until its `idle`. Used by `nbtest`, the tests and the benchmark.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zmq from "zeromq";
import type { SendOptions } from "./comms";
import { toBuffers } from "./comms";
import { address, OrderedSender, writeConnectionFile, type ConnectionInfo } from "./connection";
import { decode, encode, newHeader, type JsonObject, type Message } from "./wire";

export interface StartOptions {
  /** Kernelspec argv with "{connection_file}" where the connection file goes. */
  argv: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  startupTimeoutMs?: number;
  /** Return as soon as the process runs, without the kernel_info handshake (the benchmark times it itself). */
  skipHandshake?: boolean;
}

export interface Exchange {
  request: Message;
  reply: Message | undefined;
  /** The iopub messages whose parent is the request, up to and including its `idle` status. */
  iopub: Message[];
}

class Pending {
  readonly iopub: Message[] = [];
  reply: Message | undefined;
  idle = false;
  constructor(
    readonly request: Message,
    readonly expectsReply: boolean,
    readonly settle: (error?: Error) => void,
    readonly replyOnly = false,
  ) {}

  done(): boolean {
    if (this.replyOnly) return this.reply !== undefined;
    return this.idle && (this.reply !== undefined || !this.expectsReply);
  }
}

export class TimeoutError extends Error {
  constructor(
    message: string,
    /** The msg_id of the request that got no answer in time. */
    readonly msgId?: string,
  ) {
    super(message);
  }
}

export class KernelClient {
  /** Kernels started and not yet killed: what a runner must end when it is itself told to stop. */
  private static readonly running = new Set<KernelClient>();
  readonly iopubLog: Message[] = [];
  /** Applied to requests sent without their own timeoutMs (none by default). */
  defaultTimeoutMs: number | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly session = randomUUID();
  private readonly senders: Record<"shell" | "control", OrderedSender>;
  private stderr = "";
  private exitError: Error | undefined;

  private constructor(
    readonly process: ChildProcess,
    private readonly info: ConnectionInfo,
    private readonly sockets: { shell: zmq.Dealer; control: zmq.Dealer; iopub: zmq.Subscriber },
    private readonly workDir: string,
  ) {
    this.senders = { shell: new OrderedSender(sockets.shell), control: new OrderedSender(sockets.control) };
    KernelClient.running.add(this);
    this.process.stderr?.on(
      "data",
      (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)),
    );
    this.process.on("exit", (code, signal) => {
      this.exitError = new Error(
        `kernel exited (${signal ?? `code ${code}`}) before answering${this.stderr ? `; its stderr:\n${this.stderr}` : ""}`,
      );
      for (const pending of this.pending.values()) pending.settle(this.exitError);
    });
    void this.listen(sockets.shell, (message) => this.onReply(message));
    void this.listen(sockets.control, (message) => this.onReply(message));
    void this.listen(sockets.iopub, (message) => this.onIopub(message));
  }

  static async start(options: StartOptions): Promise<KernelClient> {
    const workDir = mkdtempSync(join(tmpdir(), "tensorscope-kernel-"));
    const connectionFile = join(workDir, "connection.json");
    const info = await writeConnectionFile(connectionFile);
    const [command, ...args] = options.argv.map((arg) => arg.replaceAll("{connection_file}", connectionFile));
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: "pipe" });
    child.stdout?.resume();
    const sockets = { shell: new zmq.Dealer({ linger: 0 }), control: new zmq.Dealer({ linger: 0 }) };
    // No high-water mark: a cell that prints faster than this client reads must not lose messages (its `idle`).
    const iopub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: 0 });
    sockets.shell.connect(address(info, "shell"));
    sockets.control.connect(address(info, "control"));
    iopub.connect(address(info, "iopub"));
    iopub.subscribe();
    const client = new KernelClient(child, info, { ...sockets, iopub }, workDir);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(new Error(`cannot start kernel ${command}: ${error.message}`)));
    });
    try {
      await spawned;
      // Generous: a kernel that dies is noticed at once; a slow one on a loaded machine is no failure.
      if (!options.skipHandshake) await client.waitUntilReady(options.startupTimeoutMs ?? 180_000);
    } catch (error) {
      await client.kill();
      throw error;
    }
    return client;
  }

  /** The connection file's contents (ports and key), e.g. to attach another client. */
  get connection(): ConnectionInfo {
    return { ...this.info };
  }

  get stderrTail(): string {
    return this.stderr;
  }

  /** Sends a shell (or control) request and resolves once its reply and its iopub `idle` have both arrived. */
  request(
    msgType: string,
    content: JsonObject,
    options: SendOptions & {
      channel?: "shell" | "control";
      timeoutMs?: number;
      expectsReply?: boolean;
      /** Settle at the reply without waiting for iopub `idle` (which a new subscriber may miss). */
      replyOnly?: boolean;
    } = {},
  ): Promise<Exchange> {
    const request: Message = {
      identities: [],
      header: newHeader(msgType, this.session, "tensorscope-client"),
      parent: {},
      metadata: options.metadata ?? {},
      content,
      buffers: toBuffers(options.buffers),
    };
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise<Exchange>((resolve, reject) => {
      if (this.exitError) return reject(this.exitError);
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(
              () =>
                settle(
                  new TimeoutError(`no answer to ${msgType} within ${timeoutMs} ms`, request.header.msg_id),
                ),
              timeoutMs,
            );
      const settle = (error?: Error) => {
        clearTimeout(timer);
        this.pending.delete(request.header.msg_id);
        if (error) reject(error);
        else resolve({ request, reply: pending.reply, iopub: pending.iopub });
      };
      const pending = new Pending(
        request,
        options.expectsReply ?? !["comm_open", "comm_msg", "comm_close"].includes(msgType),
        settle,
        options.replyOnly,
      );
      this.pending.set(request.header.msg_id, pending);
      this.senders[options.channel ?? "shell"]
        .send(encode(this.info.key, request))
        .catch((error) => settle(error));
    });
  }

  execute(
    code: string,
    options: { timeoutMs?: number; stopOnError?: boolean; silent?: boolean } = {},
  ): Promise<Exchange> {
    const content = {
      code,
      silent: options.silent ?? false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: options.stopOnError ?? false,
    };
    return this.request("execute_request", content, { timeoutMs: options.timeoutMs });
  }

  /** Resolves with the first iopub message (already received or future) that matches. */
  waitForIopub(match: (message: Message) => boolean, timeoutMs = 10_000): Promise<Message> {
    const found = this.iopubLog.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TimeoutError(`no matching iopub message in ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.iopubWaiters.push((message) => {
        if (!match(message)) return false;
        clearTimeout(timer);
        resolve(message);
        return true;
      });
    });
  }

  interrupt(): void {
    this.process.kill("SIGINT");
  }

  async shutdown(timeoutMs = 5000): Promise<void> {
    if (this.process.exitCode === null && !this.exitError) {
      await this.request("shutdown_request", { restart: false }, { channel: "control", timeoutMs }).catch(
        () => undefined,
      );
      await this.waitForExit(timeoutMs);
    }
    await this.kill();
  }

  async kill(): Promise<void> {
    KernelClient.running.delete(this);
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill("SIGKILL");
      await this.waitForExit(5000);
    }
    for (const socket of Object.values(this.sockets)) socket.close();
    rmSync(this.workDir, { recursive: true, force: true });
  }

  /**
   * Kills every kernel this process started and has not ended, at once and synchronously: for a signal handler,
   * where a kernel busy in a cell would never answer a shutdown_request and the event loop may not turn again.
   */
  static killAllNow(): number {
    const kernels = [...KernelClient.running];
    KernelClient.running.clear();
    for (const kernel of kernels) {
      if (kernel.process.exitCode === null && kernel.process.signalCode === null)
        kernel.process.kill("SIGKILL");
      rmSync(kernel.workDir, { recursive: true, force: true });
    }
    return kernels.length;
  }

  private iopubWaiters: ((message: Message) => boolean)[] = [];

  private waitForExit(timeoutMs: number): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.process.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // iopub subscriptions take a moment (ZeroMQ's slow joiner): retry until a kernel_info's idle is seen.
    while (Date.now() < deadline) {
      const attempt = await this.request("kernel_info_request", {}, { timeoutMs: 1000 }).catch(
        (error: Error) => error,
      );
      if (!(attempt instanceof Error)) return;
      if (!(attempt instanceof TimeoutError)) throw attempt;
    }
    throw new Error(
      `kernel did not answer kernel_info_request within ${timeoutMs} ms; its stderr:\n${this.stderr}`,
    );
  }

  private async listen(
    socket: zmq.Dealer | zmq.Subscriber,
    handle: (message: Message) => void,
  ): Promise<void> {
    try {
      for await (const frames of socket) {
        try {
          handle(decode(this.info.key, frames as Buffer[]));
        } catch {
          // A frame we cannot read belongs to nobody we wait for.
        }
      }
    } catch {
      // The socket was closed.
    }
  }

  private onReply(message: Message): void {
    const pending = this.pending.get(message.parent.msg_id ?? "");
    if (!pending) return;
    pending.reply = message;
    if (pending.done()) pending.settle();
  }

  private onIopub(message: Message): void {
    this.iopubLog.push(message);
    if (this.iopubLog.length > 10_000) this.iopubLog.splice(0, 5_000);
    this.iopubWaiters = this.iopubWaiters.filter((waiter) => !waiter(message));
    const pending = this.pending.get(message.parent.msg_id ?? "");
    if (!pending) return;
    pending.iopub.push(message);
    const content = message.content as { execution_state?: string };
    if (message.header.msg_type === "status" && content.execution_state === "idle") pending.idle = true;
    if (pending.done()) pending.settle();
  }
}
