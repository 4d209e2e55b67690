// The stdin channel's ROUTER socket, in a worker thread: while a cell's synchronous input() blocks the main
// thread, this thread still receives the front end's input_reply and hands it over (stdin-answer.ts).
import { parentPort, workerData } from "node:worker_threads";
import * as zmq from "zeromq";
import { giveAnswer } from "./stdin-answer";
import { decode } from "./wire";

export interface StdinWorkerData {
  address: string;
  key: string;
  slot: SharedArrayBuffer;
}

export type ToStdinWorker = { type: "ask"; askId: number; frames: Uint8Array[] };
export type FromStdinWorker = { type: "bound" } | { type: "log"; text: string };

async function serve({ address, key, slot }: StdinWorkerData): Promise<void> {
  const port = parentPort!;
  const socket = new zmq.Router();
  let asking: number | undefined;
  let sending: Promise<void> = Promise.resolve();
  const log = (text: string) => port.postMessage({ type: "log", text } satisfies FromStdinWorker);
  port.on("message", (message: ToStdinWorker) => {
    asking = message.askId;
    const frames = message.frames.map((frame) =>
      Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength),
    );
    sending = sending.then(() => socket.send(frames)).catch((error) => log(`input_request failed: ${error}`));
  });
  await socket.bind(address);
  port.postMessage({ type: "bound" } satisfies FromStdinWorker);
  for await (const frames of socket) {
    try {
      const message = decode(key, frames);
      if (message.header.msg_type !== "input_reply" || asking === undefined) continue;
      const value = (message.content as { value?: unknown }).value;
      giveAnswer(slot, asking, typeof value === "string" ? value : "");
      asking = undefined;
    } catch (error) {
      log(`dropped a stdin message: ${(error as Error).message}`);
    }
  }
}

if (parentPort) {
  serve(workerData as StdinWorkerData).catch((error: Error) =>
    parentPort!.postMessage({ type: "log", text: `stdin channel failed: ${error.message}` }),
  );
}
