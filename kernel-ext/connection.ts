// Connection files (the JSON a Jupyter client writes for a kernel) and the zeromq plumbing both sides share.
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { Socket } from "zeromq";

export interface ConnectionInfo {
  ip: string;
  transport: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

export const CHANNELS = ["shell", "iopub", "stdin", "control", "hb"] as const;
export type Channel = (typeof CHANNELS)[number];

export function readConnectionFile(path: string): ConnectionInfo {
  let info: Partial<ConnectionInfo>;
  try {
    info = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the connection file ${path}: ${(error as Error).message}`);
  }
  for (const channel of CHANNELS) {
    if (typeof info[`${channel}_port`] !== "number") {
      throw new Error(`connection file ${path} has no numeric ${channel}_port`);
    }
  }
  if (info.signature_scheme && info.signature_scheme !== "hmac-sha256") {
    throw new Error(`connection file ${path}: unsupported signature_scheme ${info.signature_scheme}`);
  }
  return {
    ip: "127.0.0.1",
    transport: "tcp",
    key: "",
    signature_scheme: "hmac-sha256",
    ...info,
  } as ConnectionInfo;
}

export function address(info: ConnectionInfo, channel: Channel): string {
  return `${info.transport}://${info.ip}:${info[`${channel}_port`]}`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Picks five free loopback ports and a random key, and writes them where a kernel can read them. */
export async function writeConnectionFile(path: string): Promise<ConnectionInfo> {
  const info: ConnectionInfo = {
    ip: "127.0.0.1",
    transport: "tcp",
    key: randomUUID(),
    signature_scheme: "hmac-sha256",
    shell_port: await freePort(),
    iopub_port: await freePort(),
    stdin_port: await freePort(),
    control_port: await freePort(),
    hb_port: await freePort(),
  };
  writeFileSync(path, JSON.stringify(info, null, 1));
  return info;
}

type Sendable = { send(frames: Buffer[]): Promise<void> };

/** zeromq 6 allows one pending send per socket; this chains them so callers may send from anywhere. */
export class SerialSender {
  private last: Promise<void> = Promise.resolve();
  constructor(private readonly socket: Socket) {}

  send(frames: Buffer[]): Promise<void> {
    const sending = this.last.then(() => (this.socket as unknown as Sendable).send(frames));
    this.last = sending.catch(() => undefined);
    return sending;
  }
}

/**
 * For the kernel's PUB and ROUTER sockets, which never block: sends start synchronously, so a cell that then blocks
 * the event loop (an endless loop) cannot hold back the `busy`/`execute_input` published just before it. A send that
 * finds the socket busy anyway is retried once the event loop turns.
 */
export class ImmediateSender {
  constructor(private readonly socket: Socket) {}

  send(frames: Buffer[]): Promise<void> {
    return (this.socket as unknown as Sendable).send(frames).catch((error: { code?: string }) => {
      if (error.code !== "EBUSY") throw error;
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.send(frames));
    });
  }
}
