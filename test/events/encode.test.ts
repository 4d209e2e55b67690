// The hand-written scalar encoder must produce what protobufjs decodes to the same event; histograms must bin
// exactly as PyTorch's add_histogram (checked against the committed PyTorch fixture).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { EventFileWriter } from "../../src/events/file-writer";
import { appendScalarEvent } from "../../src/events/encode";
import { emptyFramingStats, parseRecords } from "../../src/events/record";
import { EventProto, toNumber } from "../../src/events/schema";
import { DEFAULT_EDGES, makeHistogram } from "../../src/events/histogram";
import { loadLogdir } from "../../src/events/logdir";

test("hand-encoded scalar events decode with protobufjs to the values written", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-encode-"));
  try {
    const cases: [string, number, number, number][] = [];
    const writer = new EventFileWriter(dir);
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 200, unit: "grapheme" }),
        fc.oneof(fc.float(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -0)),
        fc.oneof(fc.nat(), fc.integer({ min: -1000, max: -1 }), fc.constant(Number.MAX_SAFE_INTEGER)),
        fc.double({ min: 0, max: 4e9, noNaN: true }),
        (tag, value, step, wallTime) => {
          appendScalarEvent(writer, tag, value, step, wallTime);
          cases.push([tag, value, step, wallTime]);
        },
      ),
    );
    writer.close();
    const stats = emptyFramingStats();
    const { payloads } = parseRecords(readFileSync(writer.path), stats);
    assert.equal(payloads.length, cases.length + 1);
    payloads.slice(1).forEach((payload, i) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const event: any = EventProto.decode(payload);
      const [tag, value, step, wallTime] = cases[i];
      assert.equal(event.wall_time, wallTime);
      assert.equal(toNumber(event.step), step);
      assert.equal(event.summary.value[0].tag, tag);
      assert.ok(Object.is(event.summary.value[0].simple_value, Math.fround(value)));
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("default histogram edges: 774 negative, zero, 774 positive", () => {
  assert.equal(DEFAULT_EDGES.length, 1549);
  assert.equal(DEFAULT_EDGES[774], 0);
  assert.equal(DEFAULT_EDGES[775], 1e-12);
  assert.equal(DEFAULT_EDGES[773], -1e-12);
});

test("histograms bin exactly as PyTorch's add_histogram did in the fixture", () => {
  const run = loadLogdir(join(__dirname, "../fixtures/events/pytorch")).run(".");
  const weights = Array.from({ length: 20 }, (_, i) => -5 + 0.5 * i);
  const expected = run.histograms.get("weights")![0].value;
  const ours = makeHistogram(weights);
  assert.deepEqual(ours.bucketLimits, expected.bucketLimits);
  assert.deepEqual(ours.bucketCounts, expected.bucketCounts);
  for (const key of ["min", "max", "num", "sum", "sumSquares"] as const)
    assert.equal(ours[key], expected[key]);
  const constant = run.histograms.get("constant")![0].value;
  const oursConstant = makeHistogram(new Array(10).fill(2));
  assert.deepEqual(oursConstant.bucketLimits, constant.bucketLimits);
  assert.deepEqual(oursConstant.bucketCounts, constant.bucketCounts);
});

test("a small histogram by hand: every value lands in the bucket whose edges bracket it", () => {
  const h = makeHistogram([1, 2, 3, 3, 3]);
  assert.deepEqual([h.min, h.max, h.num, h.sum, h.sumSquares], [1, 3, 5, 12, 32]);
  assert.equal(h.bucketCounts[0], 0, "one empty bucket on the left");
  const countAt = (v: number): number => h.bucketCounts[h.bucketLimits.findIndex((limit) => v < limit)];
  assert.equal(countAt(3), 3);
  assert.equal(countAt(2), 1);
  assert.equal(countAt(1), 1);
  assert.equal(
    h.bucketCounts.reduce((a, b) => a + b, 0),
    5,
  );
});

test("constant, single-value, empty and non-finite inputs give valid histograms", () => {
  const single = makeHistogram([0.25]);
  assert.deepEqual([single.num, single.min, single.max], [1, 0.25, 0.25]);
  assert.deepEqual(single.bucketCounts, [0, 1]);
  const empty = makeHistogram([]);
  assert.deepEqual([empty.num, empty.bucketLimits.length], [0, 0]);
  const mixed = makeHistogram([NaN, Infinity, -Infinity, 1]);
  assert.deepEqual([mixed.num, mixed.nonFinite, mixed.sum], [1, 3, 1]);
  const allNaN = makeHistogram([NaN, NaN]);
  assert.deepEqual([allNaN.num, allNaN.nonFinite], [0, 2]);
  const zeros = makeHistogram(new Float32Array(1000));
  assert.deepEqual(zeros.bucketCounts, [0, 1000]);
  assert.deepEqual(zeros.bucketLimits, [0, 1e-12]);
});
