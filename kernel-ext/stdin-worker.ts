// The stdin channel's ROUTER socket, in a worker thread: while a cell's synchronous input() blocks the main
// thread, this thread still receives the front end's input_reply and hands it over (stdin-answer.ts).
// It receives only while an answer is awaited, and then for at most a second at a time: a receive still pending
// when the process exits (`process.exit()` in a cell) makes zeromq's teardown in this thread abort the process.
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { giveAnswer, isAwaiting } from "./stdin-answer";
import { decode } from "./wire";

export interface StdinWorkerData {
  address: string;
  key: string;
  slot: SharedArrayBuffer;
}

export type ToStdinWorker = { type: "ask"; askId: number; msgId: string; frames: Uint8Array[] };
export type FromStdinWorker = { type: "bound" } | { type: "log"; text: string };

const RECEIVE_TIMEOUT_MS = 1000;

async function serve({ address, key, slot }: StdinWorkerData): Promise<void> {
  const port = parentPort!;
  const socket = new zmq.Router({ linger: 0, receiveTimeout: RECEIVE_TIMEOUT_MS });
  const log = (text: string) => port.postMessage({ type: "log", text } satisfies FromStdinWorker);
  let asks: Promise<void> = Promise.resolve();
  port.on("message", (ask: ToStdinWorker) => {
    asks = asks.then(() => answer(ask)).catch((error) => log(`input_request failed: ${error}`));
  });

  /** Sends the input_request, then receives until its input_reply, or until the main thread stops waiting. */
  async function answer({ askId, msgId, frames }: ToStdinWorker): Promise<void> {
    await socket.send(frames.map((frame) => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)));
    while (isAwaiting(slot, askId)) {
      let received: Buffer[];
      try {
        received = await socket.receive();
      } catch (error) {
        if ((error as { code?: string }).code === "EAGAIN") continue; // the receive timed out: still waiting?
        throw error;
      }
      try {
        const message = decode(key, received);
        const parentId = message.parent.msg_id;
        if (message.header.msg_type !== "input_reply" || (parentId !== undefined && parentId !== msgId))
          continue;
        const value = (message.content as { value?: unknown }).value;
        giveAnswer(slot, askId, typeof value === "string" ? value : "");
        return;
      } catch (error) {
        log(`dropped a stdin message: ${(error as Error).message}`);
      }
    }
  }

  await socket.bind(address);
  port.postMessage({ type: "bound" } satisfies FromStdinWorker);
}

if (parentPort) {
  serve(workerData as StdinWorkerData).catch((error: Error) =>
    parentPort!.postMessage({ type: "log", text: `stdin channel failed: ${error.message}` }),
  );
}
