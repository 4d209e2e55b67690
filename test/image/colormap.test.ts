import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { colorize, colourAt, getColormap, symmetricRange, valueRange } from "../../src/image/colormap";

test("jet follows MATLAB's piecewise-linear definition", () => {
  // r = clamp(1.5 - |4t - 3|), g = clamp(1.5 - |4t - 2|), b = clamp(1.5 - |4t - 1|), times 255, at the
  // table entries t = i / 255: i = 0 → (0, 0, 127.5); i = 255 → (127.5, 0, 0);
  // t = 0.5 → entry 128 → (129.5, 380 → 255, 125.5); entry 191 (t = 0.749) → (1.496 → 255, 128.5 → 129, 0)
  assert.deepEqual(colourAt("jet", 0), [0, 0, 128]);
  assert.deepEqual(colourAt("jet", 1), [128, 0, 0]);
  assert.deepEqual(colourAt("jet", 0.5), [130, 255, 126]);
  assert.deepEqual(colourAt("jet", 191 / 255), [255, 129, 0]);
});

test("viridis ends are matplotlib's (68, 1, 84) and (253, 231, 37)", () => {
  assert.deepEqual(colourAt("viridis", 0), [68, 1, 84]);
  assert.deepEqual(colourAt("viridis", 1), [253, 231, 37]);
});

test("the diverging map is blue below the centre, near-white at it and red above", () => {
  const [r0, , b0] = colourAt("diverging", 0);
  const [r1, , b1] = colourAt("diverging", 1);
  const mid = colourAt("diverging", 0.5);
  assert.ok(b0 > 2 * r0, `negative end ${colourAt("diverging", 0)}`);
  assert.ok(r1 > 2 * b1, `positive end ${colourAt("diverging", 1)}`);
  assert.ok(Math.min(...mid) >= 230 && Math.max(...mid) - Math.min(...mid) <= 10, `centre ${mid}`);
  assert.deepEqual(colourAt("gray", 0.5), [128, 128, 128]);
});

test("zero lands on the neutral colour under a symmetric range, whatever the data", () => {
  const neutral = colourAt("diverging", 0.5);
  fc.assert(
    fc.property(
      fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 }),
      (xs) => {
        const values = Float32Array.from([...xs, 0]);
        const image = colorize(values, 1, values.length, {
          colormap: "diverging",
          range: symmetricRange(values),
        });
        const p = (values.length - 1) * 4;
        assert.deepEqual([...image.data.slice(p, p + 3)], neutral);
      },
    ),
  );
});

test("colorize maps min and max to the ends and clips values outside the range", () => {
  const image = colorize([0, 5, 10, 20], 2, 2, { colormap: "gray", range: { min: 0, max: 10 } });
  assert.deepEqual(
    [...image.data],
    [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255],
  );
  const flat = colorize([3, 3], 1, 2, { colormap: "viridis" });
  assert.deepEqual([...flat.data.slice(0, 3)], colourAt("viridis", 0));
  assert.deepEqual(valueRange([2, -1, NaN, 4]), { min: -1, max: 4 });
});

test("bad colormap input is a clear error", () => {
  assert.throws(
    () => getColormap("plasma" as never),
    /unknown colormap "plasma"; expected one of viridis, jet/,
  );
  assert.throws(() => colorize([1, 2, 3], 2, 2), /expected 2x2 = 4 values, got 3/);
  assert.throws(() => getColormap({ name: "x", lut: new Uint8Array(3) }), /768-byte lut/);
});
