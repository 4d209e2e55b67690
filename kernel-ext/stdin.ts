// input() / prompt() in cells through Jupyter's stdin channel: an input_request to the front end that sent the
// running execute_request (when it said allow_stdin), answered by its input_reply.
import type * as zmq from "zeromq";
import { ImmediateSender } from "./connection";
import { decode, encode, newHeader, type Message } from "./wire";

type Ask = (prompt: string, password: boolean) => Promise<string>;

/** The error IPython raises when the front end cannot answer input requests. */
export class StdinNotImplementedError extends Error {
  override name = "StdinNotImplementedError";
}

export class StdinChannel {
  private readonly sender: ImmediateSender;
  private current: { request: Message; allowed: boolean } | undefined;
  private waiting: { resolve: (text: string) => void; reject: (error: Error) => void } | undefined;

  constructor(
    private readonly socket: zmq.Router,
    private readonly key: string,
    private readonly session: string,
    private readonly log: (text: string) => void,
  ) {
    this.sender = new ImmediateSender(socket);
  }

  begin(request: Message, allowed: boolean): void {
    this.current = { request, allowed };
  }

  end(): void {
    this.current = undefined;
    this.cancel();
  }

  /** Fails a pending input() (interrupt, end of cell, shutdown). */
  cancel(): void {
    this.waiting?.reject(new Error("input() was interrupted"));
    this.waiting = undefined;
  }

  async ask(prompt: string, password: boolean): Promise<string> {
    const current = this.current;
    if (!current?.allowed) {
      throw new StdinNotImplementedError(
        "input() was called, but this front end does not support input requests.",
      );
    }
    if (this.waiting) throw new Error("input() is already waiting for an answer");
    const answer = new Promise<string>((resolve, reject) => (this.waiting = { resolve, reject }));
    const frames = encode(this.key, {
      identities: current.request.identities,
      header: newHeader("input_request", this.session),
      parent: current.request.header,
      metadata: {},
      content: { prompt, password },
      buffers: [],
    });
    await this.sender.send(frames);
    return answer;
  }

  async serve(): Promise<void> {
    for await (const frames of this.socket) {
      try {
        const message = decode(this.key, frames);
        if (message.header.msg_type !== "input_reply") continue;
        const value = (message.content as { value?: unknown }).value;
        this.waiting?.resolve(typeof value === "string" ? value : "");
        this.waiting = undefined;
      } catch (error) {
        this.log(`dropped a stdin message: ${(error as Error).message}`);
      }
    }
  }
}

/** `input(prompt)` as in Python and `prompt(message, default)` as in browsers, both awaited in a cell. */
export function installInputFunctions(ask: Ask, target: Record<string, unknown>): void {
  target.input = (prompt: unknown = "") => ask(String(prompt), false);
  target.prompt = async (message: unknown = "", fallback?: unknown) => {
    const text = await ask(String(message), false);
    return text === "" && fallback !== undefined ? String(fallback) : text;
  };
}
