// The hand-written scalar fast path must give exactly what protobufjs decoding gives, on any sequence of
// events: loadLogdir (fast path first) is compared with readEvents (protobufjs only) fed into the same run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { ScalarEventParser, SIMPLE } from "../../src/events/fast-scalar";
import { loadLogdir } from "../../src/events/logdir";
import { readEvents } from "../../src/events/reader";
import { frameRecord } from "../../src/events/record";
import { emptyRun, sinkFor, type RunData } from "../../src/events/run-data";
import { DT, EventProto } from "../../src/events/schema";

// Few tags, so that a tag's plugin named in one event decides how later events of it read.
const tag = fc.constantFrom("a", "b", "loss/train", "loss/test", "é/ü", "");
const metadata = fc.option(
  fc.oneof(
    fc.record({
      plugin_data: fc.record({ plugin_name: fc.constantFrom("scalars", "histograms", "custom") }),
    }),
    fc.constant({ plugin_data: { content: Buffer.from([8, 0]) } }),
    fc.constant({ display_name: "shown", summary_description: "about", data_class: 1 }),
    fc.constant({ plugin_data: { plugin_name: "scalars", content: Buffer.alloc(0) }, data_class: 1 }),
  ),
  { nil: undefined },
);
const float32Bytes = fc.float().map((x) => {
  const bytes = Buffer.alloc(4);
  bytes.writeFloatLE(x);
  return bytes;
});
// What TF2 (tensor_content) and PyTorch's new_style (float_val) write for a scalar.
const scalarTensor = fc.oneof(
  fc.record({ dtype: fc.constant(DT.FLOAT), tensor_shape: fc.constant({}), tensor_content: float32Bytes }),
  fc.record({
    dtype: fc.constant(DT.FLOAT),
    float_val: fc.array(fc.float(), { minLength: 1, maxLength: 1 }),
  }),
);
// And anything else a tensor might hold.
const otherTensor = fc.record(
  {
    dtype: fc.constantFrom(DT.FLOAT, DT.DOUBLE, DT.INT32),
    tensor_shape: fc.constantFrom({}, { dim: [{ size: 1 }] }),
    tensor_content: fc.uint8Array({ maxLength: 9 }),
    float_val: fc.array(fc.float(), { maxLength: 2 }),
    double_val: fc.array(fc.double(), { maxLength: 2 }),
  },
  { requiredKeys: ["dtype"] },
);
const value = fc.oneof(
  { weight: 4, arbitrary: fc.record({ tag, simple_value: fc.float(), metadata }) },
  { weight: 4, arbitrary: fc.record({ tag, tensor: scalarTensor, metadata }) },
  { weight: 2, arbitrary: fc.record({ tag, tensor: otherTensor, metadata }) },
  { weight: 1, arbitrary: fc.record({ tag, histo: fc.constant({ min: 1, max: 2, num: 1 }), metadata }) },
);
const step = fc.oneof(
  { weight: 8, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
  { weight: 1, arbitrary: fc.constant(2 ** 50) },
);
const event = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.record({
      wall_time: fc.double({ noNaN: true }),
      step,
      summary: fc.record({ value: fc.array(value, { maxLength: 3 }) }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ wall_time: 1, file_version: "brain.Event:2" }) },
);

// One event the fast path must take outright (plain simple values), put somewhere in every sequence: the
// property then exercises the fast path by construction, not by what the generator happens to draw. Its values
// are not 0 and its tags not empty: protobufjs leaves zeros and empty strings out, and the fast path wants both.
const fastPathEvent = fc.record({
  wall_time: fc.double({ noNaN: true }),
  step: fc.nat(),
  summary: fc.record({
    value: fc.array(
      fc.record({ tag: tag.filter((t) => t !== ""), simple_value: fc.float().filter((x) => x !== 0) }),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  }),
});
const eventSequence = fc
  .tuple(fastPathEvent, fc.array(event, { maxLength: 7 }), fc.nat())
  .map(([plain, others, at]) => {
    const position = at % (others.length + 1);
    return { events: [...others.slice(0, position), plain, ...others.slice(position)], plain };
  });

function comparable(run: RunData): unknown {
  return {
    scalars: [...run.scalars].map(([name, s]) => [name, [...s.steps], [...s.wallTimes], [...s.values]]),
    histograms: [...run.histograms].map(([name, points]) => [name, points.length]),
    stats: run.stats,
  };
}

/** Events the fast path takes whatever the run knows (simple values, or tensors their metadata calls scalars). */
function takenOutright(payload: Uint8Array, parser: ScalarEventParser): boolean {
  if (!parser.parse(payload, 0, payload.length)) return false;
  for (let i = 0; i < parser.count; i++)
    if (parser.kinds[i] !== SIMPLE && parser.plugins[i] !== "scalars") return false;
  return parser.count > 0;
}

test("loadLogdir's scalar fast path reads any event sequence exactly as protobufjs decoding does", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-fast-"));
  const file = join(dir, "events.out.tfevents.1.host");
  const parser = new ScalarEventParser();
  try {
    await fc.assert(
      fc.asyncProperty(eventSequence, async ({ events, plain }) => {
        const payloads = events.map((e) => EventProto.encode(e).finish());
        writeFileSync(file, Buffer.concat(payloads.map((p) => frameRecord(p))));
        assert.ok(
          takenOutright(EventProto.encode(plain).finish(), parser),
          "the fast path took a plain scalar",
        );
        const fast = loadLogdir(dir, { workers: 0 }).run(".");
        const reference = emptyRun(".");
        const sink = sinkFor(reference);
        for await (const record of readEvents(file, { stats: reference.stats })) sink.record(record);
        assert.deepEqual(comparable(fast), comparable(reference));
      }),
      { numRuns: 400 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a TF2-style scalar tensor without metadata is a scalar once its tag's plugin is known", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-fast-"));
  const content = (x: number): Buffer => {
    const bytes = Buffer.alloc(4);
    bytes.writeFloatLE(x);
    return bytes;
  };
  const record = (step: number, withMetadata: boolean): Buffer =>
    frameRecord(
      EventProto.encode({
        step,
        summary: {
          value: [
            {
              tag: "t",
              metadata: withMetadata ? { plugin_data: { plugin_name: "scalars" } } : undefined,
              tensor: { dtype: DT.FLOAT, tensor_shape: {}, tensor_content: content(step / 2) },
            },
          ],
        },
      }).finish(),
    );
  try {
    writeFileSync(
      join(dir, "events.out.tfevents.1.host"),
      Buffer.concat([record(0, true), record(1, false)]),
    );
    const run = loadLogdir(dir).run(".");
    assert.deepEqual([...run.scalars.get("t")!.values], [0, 0.5]);
    assert.deepEqual(run.stats.foreign, {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
