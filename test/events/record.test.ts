// Framing conformance vectors (events.md §2) and property tests: whatever is framed parses back, truncation and
// corruption are skipped and counted, never thrown.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { crc32c } from "@node-rs/crc32";
import { emptyFramingStats, frameRecord, maskedCrc32c, parseRecords } from "../../src/events/record";
import { crc32cOf } from "../../src/events/crc";
import { EventProto } from "../../src/events/schema";

test("CRC32C and masked CRC32C match the published vectors", () => {
  assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
  assert.equal(maskedCrc32c(Buffer.from("\x1a\x11CRC test, one two", "latin1")), 0x5794d08a);
});

test("the brain.Event:2 record is byte-identical to TensorBoard's", () => {
  const payload = EventProto.encode({ file_version: "brain.Event:2" }).finish();
  assert.equal(Buffer.from(payload).toString("hex"), "1a0d" + Buffer.from("brain.Event:2").toString("hex"));
  const record = frameRecord(payload);
  assert.equal(record.subarray(0, 8).toString("hex"), "0f00000000000000");
  assert.equal(record.readUInt32LE(8), 0x092b536d);
  assert.equal(record.readUInt32LE(8 + 4 + 15), 0x295198fc);
});

const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 });
const concat = (list: Uint8Array[]): Buffer => Buffer.concat(list.map((p) => frameRecord(p)));

test("framed payloads parse back unchanged", () => {
  fc.assert(
    fc.property(payloads, (list) => {
      const stats = emptyFramingStats();
      const { payloads: out, consumed } = parseRecords(concat(list), stats);
      assert.deepEqual(
        out.map((p) => Buffer.from(p)),
        list.map((p) => Buffer.from(p)),
      );
      assert.equal(consumed, concat(list).length);
      assert.deepEqual(stats, emptyFramingStats());
    }),
  );
});

test("a file cut anywhere yields the whole records before the cut and stops at the cut record", () => {
  fc.assert(
    fc.property(payloads, fc.nat(), (list, cutSeed) => {
      const bytes = concat(list);
      const cut = bytes.length === 0 ? 0 : cutSeed % (bytes.length + 1);
      const { payloads: out, consumed } = parseRecords(bytes.subarray(0, cut), emptyFramingStats());
      let end = 0;
      let whole = 0;
      for (const p of list) {
        if (end + p.length + 16 > cut) break;
        end += p.length + 16;
        whole++;
      }
      assert.equal(out.length, whole);
      assert.equal(consumed, end);
    }),
  );
});

test("a flipped payload byte drops only that record, counted as a CRC mismatch", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 100 }), { minLength: 1, maxLength: 10 }),
      fc.nat(),
      fc.nat(),
      (list, which, at) => {
        const victim = which % list.length;
        const bytes = concat(list);
        const start = list.slice(0, victim).reduce((n, p) => n + p.length + 16, 0) + 12;
        bytes[start + (at % list[victim].length)] ^= 0x40;
        const stats = emptyFramingStats();
        const { payloads: out } = parseRecords(bytes, stats);
        assert.equal(stats.badPayloadCrc, 1);
        assert.deepEqual(
          out.map((p) => Buffer.from(p)),
          list.filter((_, i) => i !== victim).map((p) => Buffer.from(p)),
        );
      },
    ),
  );
});

test("a corrupted length header is skipped by resynchronising on the next valid header", () => {
  const list = [Buffer.from("first"), Buffer.from("second record"), Buffer.from("third")];
  const bytes = concat(list);
  const secondStart = list[0].length + 16;
  bytes[secondStart] ^= 0xff;
  const stats = emptyFramingStats();
  const { payloads: out, consumed } = parseRecords(bytes, stats);
  assert.deepEqual(out.map(String), ["first", "third"]);
  assert.equal(stats.badHeaderCrc, 1);
  assert.equal(consumed, bytes.length);
});

test("random bytes never throw", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
      parseRecords(Buffer.from(bytes), emptyFramingStats());
    }),
  );
});

test("the JS CRC32C paths (8-byte headers, small payloads) agree with @node-rs/crc32 at any offset", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const buffer = Buffer.from(bytes);
      const start = bytes.length ? a % bytes.length : 0;
      const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
      assert.equal(crc32cOf(buffer, start, end), crc32c(buffer.subarray(start, end)));
      if (end - start >= 8)
        assert.equal(crc32cOf(buffer, start, start + 8), crc32c(buffer.subarray(start, start + 8)));
    }),
    { numRuns: 500 },
  );
});
