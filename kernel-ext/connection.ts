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

/**
 * `count` distinct free loopback ports. All are held open until every one is chosen: closing each before asking
 * for the next let the system hand out the same port twice, and a kernel then failed to bind its second socket
 * ("Address already in use", seen once in a CI run).
 */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.on("error", reject);
            server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
}

/** Picks five free loopback ports and a random key, and writes them where a kernel can read them. */
export async function writeConnectionFile(path: string): Promise<ConnectionInfo> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const info: ConnectionInfo = {
    ip: "127.0.0.1",
    transport: "tcp",
    key: randomUUID(),
    signature_scheme: "hmac-sha256",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
  };
  writeFileSync(path, JSON.stringify(info, null, 1));
  return info;
}

type Sendable = { send(frames: Buffer[]): Promise<void> };

/**
 * Sends on one socket in call order, from anywhere (zeromq 6 allows one pending send per socket). A send starts
 * synchronously while the socket takes it, so a kernel cell that then blocks the event loop (an endless loop)
 * cannot hold back the `busy`/`execute_input` published just before it. Once zeromq says EBUSY (a pending send,
 * or 512 messages in one turn of the event loop: a cell printing a thousand lines), messages queue here and go
 * out as the socket frees up, so that nothing is lost or overtaken (an `idle` ahead of the output it closes would
 * hide that output).
 */
export class OrderedSender {
  private inFlight: Promise<unknown> = Promise.resolve();
  private queued = 0;
  constructor(private readonly socket: Socket) {}

  send(frames: Buffer[]): Promise<void> {
    if (this.queued === 0) {
      try {
        return this.track((this.socket as unknown as Sendable).send(frames));
      } catch (error) {
        if ((error as { code?: string }).code !== "EBUSY") return Promise.reject(error);
      }
    }
    this.queued++;
    const sent = this.inFlight.then(() => this.sendWhenFree(frames)).finally(() => this.queued--);
    return this.track(sent);
  }

  private track(sent: Promise<void>): Promise<void> {
    this.inFlight = sent.catch(() => undefined);
    return sent;
  }

  private sendWhenFree(frames: Buffer[]): Promise<void> {
    try {
      return (this.socket as unknown as Sendable).send(frames);
    } catch (error) {
      if ((error as { code?: string }).code !== "EBUSY") throw error;
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.sendWhenFree(frames));
    }
  }
}
