// The hand-written scalar fast path must agree with the protobufjs decoder whenever it accepts a record,
// and must decline anything it does not fully understand.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { ScalarEventParser } from "../../src/events/fast-scalar";
import { decodeEvent, SummaryDecoder } from "../../src/events/decode";
import { EventProto } from "../../src/events/schema";

const value = fc.record(
  {
    tag: fc.string({ maxLength: 40, unit: "grapheme" }),
    simple_value: fc.float(),
    metadata: fc.constant({ plugin_data: { plugin_name: "scalars" } }),
    histo: fc.constant({ min: 1, max: 2, num: 1 }),
  },
  { requiredKeys: ["tag"] },
);
const event = fc.record(
  {
    wall_time: fc.double({ noNaN: true }),
    step: fc.oneof(fc.nat(), fc.integer({ min: -5, max: -1 }), fc.constant(2 ** 50)),
    summary: fc.record({ value: fc.array(value, { maxLength: 4 }) }),
    file_version: fc.constant("brain.Event:2"),
  },
  { requiredKeys: [] },
);

test("the scalar fast path equals protobufjs whenever it accepts, and declines everything else", () => {
  const parser = new ScalarEventParser(); // one parser for every event, as the reader uses it
  let accepted = 0;
  fc.assert(
    fc.property(event, (init) => {
      // A message can hold only one member of the oneof: keep the summary when both were drawn.
      if (init.summary && init.file_version) delete init.file_version;
      for (const v of init.summary?.value ?? []) if (v.histo && v.simple_value !== undefined) delete v.histo;
      const payload = Buffer.from(EventProto.encode(init).finish());
      const ok = parser.parse(payload, 0, payload.length);
      const fast = ok
        ? Array.from({ length: parser.count }, (_, i) => [
            parser.tags[i],
            parser.step,
            parser.wallTime,
            parser.values[i],
          ])
        : [];
      const decoded = decodeEvent(payload, new SummaryDecoder());
      if (!ok) {
        assert.equal(fast.length, 0);
        return;
      }
      accepted++;
      assert.equal(decoded.kind, "summary");
      if (decoded.kind !== "summary") return;
      assert.deepEqual(
        fast,
        decoded.items.map((item) => [
          item.tag,
          decoded.step,
          decoded.wallTime,
          item.type === "scalar" ? item.value : NaN,
        ]),
      );
      assert.ok(decoded.items.every((item) => item.type === "scalar"));
    }),
    { numRuns: 1000 },
  );
  assert.ok(accepted > 50, `the fast path accepted ${accepted} plain scalar events`);
});
