// Jupyter comms on the kernel side (messaging spec "Custom messages"; widget protocol v2 builds on them).
// The manager lives on globalThis so that every copy of this module (kernel, notebook, widgets) shares it.
import { randomUUID } from "node:crypto";
import type { Header, JsonObject } from "./wire";

export type BinaryLike = Uint8Array | ArrayBuffer | DataView;

export interface CommMessage {
  data: JsonObject;
  metadata: JsonObject;
  /** Binary buffers sent with the message, in order (widget state uses them through `buffer_paths`). */
  buffers: Buffer[];
}

export interface SendOptions {
  metadata?: JsonObject;
  buffers?: BinaryLike[];
}

// Handlers may return anything (a returned promise is watched for rejection), so `(m) => list.push(m)` type-checks.
export type CommOpenHandler = (comm: Comm, message: CommMessage) => unknown;
export type CommMsgHandler = (message: CommMessage) => unknown;

/** What the kernel lends the manager: publishing on iopub and reporting errors to a cell. */
export interface CommTransport {
  publish(msgType: string, content: JsonObject, options: SendOptions): void;
  reportError(error: unknown, context: string, origin: Partial<Header> | undefined): void;
  /** The header of the execute request running now (or run last): handler errors are shown in its output. */
  currentCell(): Partial<Header> | undefined;
}

function toBuffer(data: BinaryLike): Buffer {
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export class Comm {
  private msgHandlers: CommMsgHandler[] = [];
  private closeHandlers: CommMsgHandler[] = [];
  private isClosed = false;

  constructor(
    readonly id: string,
    readonly targetName: string,
    private readonly manager: CommManager,
    /** The cell whose output receives errors thrown by this comm's handlers. */
    readonly origin: Partial<Header> | undefined,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** Sends `comm_msg` to the frontend. */
  send(data: JsonObject = {}, options: SendOptions = {}): void {
    if (this.isClosed) throw new Error(`comm ${this.id} (${this.targetName}) is closed; cannot send`);
    this.manager.publish("comm_msg", { comm_id: this.id, data }, options);
  }

  /** Sends `comm_close` to the frontend and forgets the comm. */
  close(data: JsonObject = {}, options: SendOptions = {}): void {
    if (this.isClosed) return;
    this.manager.publish("comm_close", { comm_id: this.id, data }, options);
    this.markClosed();
  }

  onMsg(handler: CommMsgHandler): this {
    this.msgHandlers.push(handler);
    return this;
  }

  onClose(handler: CommMsgHandler): this {
    this.closeHandlers.push(handler);
    return this;
  }

  /** @internal Called by the kernel for a frontend `comm_msg`. */
  deliver(message: CommMessage): void {
    for (const handler of this.msgHandlers)
      this.manager.invoke(() => handler(message), this, "message handler");
  }

  /** @internal Called by the kernel for a frontend `comm_close`. */
  deliverClose(message: CommMessage): void {
    this.markClosed();
    for (const handler of this.closeHandlers)
      this.manager.invoke(() => handler(message), this, "close handler");
  }

  private markClosed(): void {
    this.isClosed = true;
    this.manager.forget(this.id);
  }
}

export class CommManager {
  private transport: CommTransport | undefined;
  private readonly targets = new Map<string, CommOpenHandler>();
  private readonly open_ = new Map<string, Comm>();

  /** @internal The kernel attaches itself once its sockets are up. */
  attach(transport: CommTransport | undefined): void {
    this.transport = transport;
  }

  get attached(): boolean {
    return this.transport !== undefined;
  }

  /** Lets the frontend open comms with this target name (e.g. "jupyter.widget"); replaces an earlier handler. */
  registerTarget(targetName: string, onOpen: CommOpenHandler): void {
    if (typeof targetName !== "string" || targetName === "") {
      throw new TypeError(`comm target name must be a non-empty string, got ${String(targetName)}`);
    }
    if (typeof onOpen !== "function")
      throw new TypeError(`comm target ${targetName}: handler must be a function`);
    this.targets.set(targetName, onOpen);
  }

  unregisterTarget(targetName: string): void {
    this.targets.delete(targetName);
  }

  /** Opens a comm from the kernel side (`comm_open` on iopub); widget protocol v2 wants metadata {version}. */
  open(targetName: string, data: JsonObject = {}, options: SendOptions & { commId?: string } = {}): Comm {
    const transport = this.requireTransport();
    const comm = new Comm(options.commId ?? randomUUID(), targetName, this, transport.currentCell());
    this.open_.set(comm.id, comm);
    this.publish("comm_open", { comm_id: comm.id, target_name: targetName, data }, options);
    return comm;
  }

  get(commId: string): Comm | undefined {
    return this.open_.get(commId);
  }

  /** The open comms, optionally of one target, in the shape of a `comm_info_reply`. */
  list(targetName?: string): Record<string, { target_name: string }> {
    const comms: Record<string, { target_name: string }> = {};
    for (const comm of this.open_.values()) {
      if (targetName === undefined || comm.targetName === targetName) {
        comms[comm.id] = { target_name: comm.targetName };
      }
    }
    return comms;
  }

  /** @internal A frontend `comm_open`; returns false when no target is registered (the kernel then closes it). */
  acceptOpen(commId: string, targetName: string, message: CommMessage): boolean {
    const onOpen = this.targets.get(targetName);
    if (!onOpen) return false;
    const comm = new Comm(commId, targetName, this, this.transport?.currentCell());
    this.open_.set(commId, comm);
    this.invoke(() => onOpen(comm, message), comm, "open handler");
    return true;
  }

  /** @internal */
  publish(msgType: string, content: JsonObject, options: SendOptions): void {
    this.requireTransport().publish(msgType, content, options);
  }

  /** @internal */
  forget(commId: string): void {
    this.open_.delete(commId);
  }

  /** @internal Runs a user handler; a throw or a rejection goes to the cell's output, never up to the kernel. */
  invoke(handler: () => unknown, comm: Comm, role: string): void {
    const report = (error: unknown) =>
      this.transport?.reportError(error, `comm ${comm.targetName} ${comm.id}: ${role}`, comm.origin);
    try {
      const result = handler();
      if (result && typeof (result as Promise<void>).then === "function") {
        (result as Promise<void>).then(undefined, report);
      }
    } catch (error) {
      report(error);
    }
  }

  private requireTransport(): CommTransport {
    if (!this.transport) throw new Error("comms need a running tensorscope kernel (none is attached)");
    return this.transport;
  }
}

const MANAGER_KEY = Symbol.for("tensorscope.kernel.comms");
type ManagerHolder = { [MANAGER_KEY]?: CommManager };

/** The process-wide comm manager. */
export const comms: CommManager = ((globalThis as ManagerHolder)[MANAGER_KEY] ??= new CommManager());

export function toBuffers(buffers: BinaryLike[] | undefined): Buffer[] {
  return (buffers ?? []).map(toBuffer);
}
