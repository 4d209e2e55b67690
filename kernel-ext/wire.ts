// The Jupyter wire protocol (messaging spec 5.3): frames, signatures, headers. Written here rather than reused from
// tslab because tslab signs binary buffers (the spec signs only the four JSON frames) and JSON-encodes outgoing
// buffers, so no message carrying a buffer can cross its wire code.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";
const DELIMITER = Buffer.from("<IDS|MSG>");

export interface Header {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export type JsonObject = Record<string, unknown>;

export interface Message {
  identities: Buffer[];
  header: Header;
  parent: Partial<Header>;
  metadata: JsonObject;
  content: JsonObject;
  buffers: Buffer[];
}

export function newHeader(msgType: string, session: string, username = "kernel"): Header {
  return {
    msg_id: randomUUID(),
    msg_type: msgType,
    session,
    username,
    date: new Date().toISOString(),
    version: PROTOCOL_VERSION,
  };
}

function sign(key: string, jsonFrames: (string | Buffer)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const frame of jsonFrames) hmac.update(frame);
  return hmac.digest("hex");
}

/** Frames ready for a zeromq send: identities, delimiter, signature, header/parent/metadata/content, buffers. */
export function encode(
  key: string,
  message: Omit<Message, "identities"> & { identities?: Buffer[] },
): Buffer[] {
  const json = [message.header, message.parent, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part)),
  );
  return [
    ...(message.identities ?? []),
    DELIMITER,
    Buffer.from(sign(key, json)),
    ...json,
    ...message.buffers.map((buffer) => Buffer.from(buffer)),
  ];
}

/** Parses and authenticates received frames; throws with the reason when they are not a valid message. */
export function decode(key: string, frames: Buffer[]): Message {
  const at = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (at < 0) throw new Error("message without the <IDS|MSG> delimiter");
  if (frames.length < at + 6)
    throw new Error(`message with ${frames.length - at - 1} frames after the delimiter`);
  const json = frames.slice(at + 2, at + 6);
  const expected = Buffer.from(sign(key, json));
  const received = frames[at + 1];
  if (key !== "" && (received.length !== expected.length || !timingSafeEqual(received, expected))) {
    throw new Error("message with an invalid HMAC signature");
  }
  const [header, parent, metadata, content] = json.map((frame) => JSON.parse(frame.toString("utf8")));
  return {
    identities: frames.slice(0, at),
    header,
    parent,
    metadata,
    content,
    buffers: frames.slice(at + 6),
  };
}
