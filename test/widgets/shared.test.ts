// Pure pieces shared by the kernel and the browser: bounded buckets, smoothing, histogram bins, tiles,
// binary state splitting. Hand-computed oracles and property tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { BucketSeries, smooth } from "../../widgets/src/shared/buckets";
import { renderTiles, tileAt, tileRanges, rangeOf, type TileSet } from "../../widgets/src/shared/tiles";
import { splitBuffers } from "../../widgets/src/buffers";
import { binSteps } from "../../widgets/src/histogram-slider";
import { filterTiles } from "../../widgets/src/kernel-grid";
import { channelTiles } from "../../widgets/src/feature-map-browser";

test("BucketSeries stays bounded and keeps every extreme and the overall mean", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 64 }),
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { maxLength: 2000 }),
      (capacity, values) => {
        const series = new BucketSeries(capacity);
        values.forEach((v, i) => series.push(i, v));
        const tuples = series.toTuples();
        assert.ok(tuples.length <= capacity);
        if (values.length === 0) return assert.equal(tuples.length, 0);
        assert.equal(Math.min(...tuples.map((t) => t[2])), Math.min(...values));
        assert.equal(Math.max(...tuples.map((t) => t[3])), Math.max(...values));
        for (let i = 1; i < tuples.length; i++) assert.ok(tuples[i][0] > tuples[i - 1][0], "steps increase");
        // buckets hold bucketWidth points each, except the last
        const width = series.bucketWidth;
        const weighted = tuples.reduce(
          (sum, t, i) =>
            sum + t[1] * (i < tuples.length - 1 ? width : values.length - width * (tuples.length - 1)),
          0,
        );
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        assert.ok(Math.abs(weighted / values.length - mean) <= 1e-6 * (1 + Math.abs(mean)) + 1e-3);
      },
    ),
    { numRuns: 200 },
  );
});

test("BucketSeries: a single spike among 100k quiet points stays visible as a bucket max", () => {
  const series = new BucketSeries(100);
  for (let i = 0; i < 100_000; i++) series.push(i, i === 54_321 ? 1000 : 0.5);
  const tuples = series.toTuples();
  assert.ok(tuples.length <= 100);
  assert.equal(tuples.filter((t) => t[3] === 1000).length, 1);
  assert.ok(tuples.every((t) => t[2] === 0.5));
});

test("BucketSeries skips non-finite values and rejects a bad capacity", () => {
  const series = new BucketSeries(4);
  series.push(0, NaN);
  series.push(1, Infinity);
  series.push(2, 3);
  assert.deepEqual(series.toTuples(), [[2, 3, 3, 3]]);
  assert.throws(() => new BucketSeries(1), /capacity must be an integer >= 2, got 1/);
});

test("smooth is TensorBoard's debiased EMA (hand-computed)", () => {
  assert.deepEqual(smooth([1, 0, 2], 0), [1, 0, 2]);
  const out = smooth([1, 0], 0.5);
  assert.equal(out[0], 1); // (0.5·1) / 0.5
  assert.ok(Math.abs(out[1] - 1 / 3) < 1e-12); // (0.25) / 0.75
  assert.deepEqual(
    smooth([4, 4, 4], 0.9).map((v) => Number(v.toFixed(12))),
    [4, 4, 4],
  );
  assert.throws(() => smooth([1], 1), /smoothing must be in \[0, 1\), got 1/);
});

test("binSteps: shared equal-width bins over all steps (hand-computed)", () => {
  const { edges, counts } = binSteps([Float64Array.from([0, 1, 1]), Float64Array.from([2, 4, NaN])], 4);
  assert.deepEqual(edges, [0, 1, 2, 3, 4]);
  assert.deepEqual(counts, [
    [1, 2, 0, 0],
    [0, 0, 1, 1], // the maximum falls in the last bin; NaN is left out
  ]);
});

test("filterTiles: RGB tiles for 3 input channels, channel means otherwise (hand-computed)", () => {
  // kernel [1, 1, 3, 2]: value = 10·in + out
  const rgb = filterTiles(Float32Array.from([0, 1, 10, 11, 20, 21]), [1, 1, 3, 2], 64);
  assert.deepEqual(
    { ...rgb, values: [...rgb.values] },
    { count: 2, height: 1, width: 1, channels: 3, values: [0, 10, 20, 1, 11, 21] },
  );
  // kernel [1, 2, 2, 1]: pixel p, input c → p + 10c; mean over c = p + 5
  const mean = filterTiles(Float32Array.from([0, 10, 1, 11]), [1, 2, 2, 1], 64);
  assert.deepEqual([...mean.values], [5, 6]);
  assert.equal(filterTiles(new Float32Array(9 * 5), [3, 3, 1, 5], 2).count, 2);
});

test("channelTiles moves channels first (hand-computed)", () => {
  // [h=1, w=2, c=2]: (x, c) → 10x + c
  const set = channelTiles(Float32Array.from([0, 1, 10, 11]), 1, 2, 2, 8);
  assert.deepEqual([...set.values], [0, 10, 1, 11]);
});

test("tiles: ranges, hit testing and pixels", () => {
  const set: TileSet = {
    count: 3,
    height: 1,
    width: 2,
    channels: 1,
    values: Float32Array.from([-1, 1, 0, 2, 5, 5]),
  };
  assert.deepEqual(rangeOf([-1, 3], "symmetric"), { min: -3, max: 3 });
  assert.deepEqual(tileRanges(set, false, "minmax")[2], { min: -1, max: 5 });
  assert.deepEqual(tileRanges(set, true, "minmax")[2], { min: 5, max: 6 }); // constant tile gets a unit span
  const layout = { columns: 2, zoom: 2, gap: 1 };
  assert.equal(tileAt(set, layout, 0, 0), 0);
  assert.equal(tileAt(set, layout, 4, 0), -1); // in the gap
  assert.equal(tileAt(set, layout, 5, 0), 1);
  assert.equal(tileAt(set, layout, 0, 3), 2);
  assert.equal(tileAt(set, layout, 5, 3), -1); // no fourth tile
  const grey = Uint8Array.from({ length: 768 }, (_, i) => Math.floor(i / 3));
  const image = renderTiles(set, tileRanges(set, true, "minmax"), layout, grey);
  assert.deepEqual([image.width, image.height], [9, 5]);
  const pixel = (x: number, y: number) => [...image.data.subarray((y * 9 + x) * 4, (y * 9 + x) * 4 + 4)];
  assert.deepEqual(pixel(0, 0), [0, 0, 0, 255]); // tile 0's minimum
  assert.deepEqual(pixel(3, 1), [255, 255, 255, 255]); // tile 0's maximum, enlarged 2x
  assert.deepEqual(pixel(4, 0), [255, 255, 255, 255]); // gap = white background
});

test("splitBuffers moves typed arrays out of the state like ipywidgets", () => {
  const values = Float32Array.from([1, 2]);
  const bytes = Uint8Array.from([7]);
  const split = splitBuffers({ a: 1, values, layers: [{ name: "x", data: bytes }, 3] });
  assert.deepEqual(split.state, { a: 1, layers: [{ name: "x" }, 3] });
  assert.deepEqual(split.bufferPaths, [["values"], ["layers", 0, "data"]]);
  assert.deepEqual([...split.buffers[0]], [...new Uint8Array(values.buffer)]);
  assert.deepEqual([...split.buffers[1]], [7]);
});
