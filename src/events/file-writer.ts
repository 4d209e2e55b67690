// One open event file: records are framed into an in-memory buffer and written with one system call per flush
// (every flushSecs, on flush()/close() and at process exit), so logging never waits on the disk.
import { hostname } from "node:os";
import { recordSize, writeRecord } from "./record";
import { targetFor, type ByteTarget } from "./byte-target";
import type { S3Options } from "./s3";
import { EventProto } from "./schema";

const INITIAL_BUFFER_BYTES = 1 << 20;
const SOURCE_WRITER = "tensorscope";

let fileCounter = 0;
const openWriters = new Set<EventFileWriter>();
let exitHookInstalled = false;

/** Uploads still running for closed s3:// event files (the signal handlers wait for them). */
const pendingUploads = new Set<ByteTarget>();

const closeAll = (): void => {
  for (const writer of openWriters) writer.close();
};

/**
 * On SIGTERM/SIGINT (a `kill` of a training script, Ctrl-C), Node would exit without running 'exit' handlers:
 * close every file first. If nobody else listens to the signal, Node's default was to die of it, so ours is
 * removed and the signal raised again (the exit status stays "killed by SIGTERM"); if the program handles the
 * signal itself (a Jupyter kernel interrupting a cell), the flush is all we do.
 */
function onSignal(signal: NodeJS.Signals): void {
  closeAll();
  if (process.listenerCount(signal) > 1) return;
  process.removeListener(signal, onSignal);
  const uploads = [...pendingUploads].map((target) => target.settled().catch(() => undefined));
  if (uploads.length === 0) process.kill(process.pid, signal);
  else void Promise.all(uploads).then(() => process.kill(process.pid, signal));
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous; flush() is, so nothing buffered is lost on a normal exit.
  process.on("exit", closeAll);
  // 'beforeExit' comes when nothing is left to do, while async work is still possible: s3:// files left open are
  // closed there, so their last upload runs before the process ends.
  process.on("beforeExit", () => {
    if (openWriters.size) closeAll();
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, onSignal);
}

/** `events.out.tfevents.<10-digit seconds>.<host>.<pid>.<n>`, the name PyTorch and TensorBoard use. */
export function eventFileName(now = Date.now(), suffix = ""): string {
  const seconds = String(Math.floor(now / 1000)).padStart(10, "0");
  return `events.out.tfevents.${seconds}.${hostname()}.${process.pid}.${fileCounter++}${suffix}`;
}

export interface EventFileWriterOptions {
  flushSecs?: number;
  filenameSuffix?: string;
  /**
   * PyTorch's purge_step: the file starts at this step and says SessionLog.START, so that readers drop what an
   * earlier (crashed) session logged at this step and after.
   */
  purgeStep?: number;
  /** Client options for s3:// logdirs. */
  s3?: S3Options;
  /** s3:// only: start a new object past this size (each flush rewrites the current object whole). */
  objectBytes?: number;
}

/** SessionLog.SessionStatus.START */
const SESSION_START = 1;

export class EventFileWriter {
  private target: ByteTarget | undefined;
  /** The target after close(), whose last upload settled() still waits for. */
  private closedTarget: ByteTarget | undefined;
  private buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  private used = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly logdir: string,
    options: EventFileWriterOptions = {},
  ) {
    const flushSecs = options.flushSecs ?? 2;
    if (!(flushSecs > 0)) throw new RangeError(`flushSecs must be a positive number, got ${flushSecs}`);
    const suffix = options.filenameSuffix ?? "";
    this.target = targetFor(logdir, () => eventFileName(Date.now(), suffix), options);
    const { purgeStep } = options;
    const wallTime = Date.now() / 1000;
    this.appendPayload(
      EventProto.encode({
        wall_time: wallTime,
        step: purgeStep ?? 0,
        file_version: "brain.Event:2",
        source_metadata: { writer: SOURCE_WRITER },
      }).finish(),
    );
    if (purgeStep !== undefined)
      this.appendPayload(
        EventProto.encode({
          wall_time: wallTime,
          step: purgeStep,
          session_log: { status: SESSION_START },
        }).finish(),
      );
    this.flush();
    this.timer = setInterval(() => this.flush(), flushSecs * 1000);
    this.timer.unref();
    openWriters.add(this);
    installExitHook();
  }

  get closed(): boolean {
    return this.target === undefined;
  }

  /** The event file (or, in S3, the current object) being written. */
  get path(): string {
    return (this.target ?? this.closedTarget)?.path ?? "";
  }

  /** Room for `bytes` more bytes at `this.used`; returns the buffer to write into. */
  reserve(bytes: number): Buffer {
    if (this.target === undefined) throw new Error(`the event file ${this.path} is closed`);
    if (this.used + bytes > this.buffer.length) {
      this.flush();
      if (bytes > this.buffer.length) this.buffer = Buffer.allocUnsafe(bytes);
    }
    return this.buffer;
  }

  /** Marks `bytes` bytes written by the caller after `reserve`. */
  commit(bytes: number): void {
    this.used += bytes;
  }

  get offset(): number {
    return this.used;
  }

  appendPayload(payload: Uint8Array): void {
    const size = recordSize(payload.length);
    const target = this.reserve(size);
    this.used = writeRecord(target, this.used, payload);
  }

  flush(): void {
    if (this.target === undefined || this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.target.write(this.buffer, used);
  }

  close(): void {
    const target = this.target;
    if (target === undefined) return;
    this.flush();
    clearInterval(this.timer);
    target.close();
    this.target = undefined;
    this.closedTarget = target;
    openWriters.delete(this);
    pendingUploads.add(target);
    void target
      .settled()
      .catch(() => undefined)
      .finally(() => pendingUploads.delete(target));
  }

  /** Resolves when everything flushed has reached its destination (an upload, for s3:// logdirs). */
  settled(): Promise<void> {
    return (this.target ?? this.closedTarget)?.settled() ?? Promise.resolve();
  }
}
