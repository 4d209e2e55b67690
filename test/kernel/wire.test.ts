// The wire format: HMAC-SHA256 over exactly the four JSON frames (messaging spec), buffers unsigned and intact.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { decode, encode, newHeader } from "../../kernel-ext/wire";

const KEY = "secret-key";

function sample(buffers: Buffer[] = []) {
  return {
    identities: [Buffer.from("client-1")],
    header: newHeader("comm_msg", "session-1"),
    parent: {},
    metadata: { version: "2.1.0" },
    content: { comm_id: "c1", data: { method: "update" } },
    buffers,
  };
}

test("the signature is HMAC-SHA256 of header, parent, metadata and content only", () => {
  const message = sample([Buffer.from([0, 1, 2, 255])]);
  const frames = encode(KEY, message);
  assert.equal(frames[1].toString(), "<IDS|MSG>");
  const hmac = createHmac("sha256", KEY);
  for (const frame of frames.slice(3, 7)) hmac.update(frame);
  assert.equal(frames[2].toString(), hmac.digest("hex"));
  const withoutBuffers = encode(KEY, { ...message, buffers: [] });
  assert.equal(withoutBuffers[2].toString(), frames[2].toString());
});

test("messages with binary buffers decode with their buffers and identities (tslab rejected them)", () => {
  const buffers = [Buffer.from([9, 8, 7]), Buffer.alloc(0), Buffer.from("PNG")];
  const decoded = decode(KEY, encode(KEY, sample(buffers)));
  assert.deepEqual(decoded.buffers, buffers);
  assert.deepEqual(decoded.identities, [Buffer.from("client-1")]);
  assert.deepEqual(decoded.content, sample().content);
});

test("a tampered or unsigned message is rejected with the reason", () => {
  const frames = encode(KEY, sample());
  frames[6] = Buffer.from(JSON.stringify({ comm_id: "c2" }));
  assert.throws(() => decode(KEY, frames), /invalid HMAC signature/);
  assert.throws(() => decode(KEY, frames.slice(1)), /<IDS\|MSG>|invalid/);
  assert.throws(
    () => decode(KEY, [Buffer.from("<IDS|MSG>"), Buffer.from("x")]),
    /frames after the delimiter/,
  );
});

test("an empty key disables signing, as in jupyter_client", () => {
  const frames = encode("", sample());
  assert.equal(frames[2].toString(), "");
  assert.equal(decode("", frames).header.msg_type, "comm_msg");
});
