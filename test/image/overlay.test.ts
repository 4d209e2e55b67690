import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { overlay, overlayToRgba } from "../../src/image/overlay";
import { tensorToRgba, heatmapToRgba } from "../../src/image/tensor-image";
import { DISPLAY_SYMBOL } from "../../src/display";

// Two pixels, image (0.2, 0.4, 0.6) and (0.5, 0.5, 0.5), cam 0 and 1; jet entry 0 = (0, 0, 128), 255 = (128, 0, 0).
// alpha 0.5: A = (0.1, 0.2, 0.3 + 64/255) = (0.1, 0.2, 0.55098); B = (0.25 + 64/255, 0.25, 0.25) = (0.50098, 0.25, 0.25)
const image = () => tf.tensor3d([0.2, 0.4, 0.6, 0.5, 0.5, 0.5], [1, 2, 3]);
const cam = () => tf.tensor2d([0, 1], [1, 2]);

test("overlay follows show_cam_on_image: blend, divide by the maximum, truncate to bytes", () => {
  const [img, map] = [image(), cam()];
  const before = tf.memory().numTensors;
  const out = overlayToRgba(img, map, { alpha: 0.5, colormap: "jet" });
  assert.equal(tf.memory().numTensors, before);
  // 255 · v / 0.55098, floored
  assert.deepEqual([...out.data], [46, 92, 255, 255, 231, 115, 115, 255]);
  const raw = overlayToRgba(img, map, { rescale: false });
  assert.deepEqual([...raw.data.slice(0, 3)], [25, 51, 140]);
  tf.dispose([img, map]);
});

test("alpha 0 gives the image back and alpha 1 the pure heatmap", () => {
  const [img, map] = [image(), cam()];
  assert.deepEqual(
    [...overlayToRgba(img, map, { alpha: 0, rescale: false }).data.slice(0, 3)],
    [51, 102, 153],
  );
  assert.deepEqual([...overlayToRgba(img, map, { alpha: 1, rescale: false }).data.slice(4, 7)], [128, 0, 0]);
  tf.dispose([img, map]);
});

test("a map at another resolution is resized to the image; gray images are spread to RGB", () => {
  const gray = tf.fill([4, 4, 1], 0.5);
  const small = tf.fill([1, 2, 2], 1);
  const out = overlayToRgba(gray, small, { alpha: 0.5, rescale: false });
  assert.equal(out.width, 4);
  // 0.5 · 128/255 + 0.5 · 0.5 = 0.50098 → 127; 0.25 → 63
  assert.deepEqual([...out.data.slice(0, 4)], [127, 63, 63, 255]);
  tf.dispose([gray, small]);
});

test("overlay returns a picture that displays as PNG and text", () => {
  const [img, map] = [image(), cam()];
  const view = overlay(img, map);
  const bundle = view[DISPLAY_SYMBOL]();
  assert.match(bundle["text/plain"], /overlay 1x2 \(alpha 0.5, jet\)/);
  assert.ok(typeof bundle["image/png"] === "string");
  tf.dispose([img, map]);
});

test("overlay's scale enlarges every pixel into a crisp square", () => {
  const [img, map] = [image(), cam()];
  const small = overlayToRgba(img, map);
  const view = overlay(img, map, { scale: 3 });
  assert.deepEqual([view.image.width, view.image.height], [small.width * 3, small.height * 3]);
  for (let y = 0; y < view.image.height; y++) {
    for (let x = 0; x < view.image.width; x++) {
      const big = (y * view.image.width + x) * 4;
      const source = (Math.floor(y / 3) * small.width + Math.floor(x / 3)) * 4;
      assert.deepEqual([...view.image.data.slice(big, big + 4)], [...small.data.slice(source, source + 4)]);
    }
  }
  assert.match(String(view), /enlarged 3x/);
  assert.throws(
    () => overlay(img, map, { scale: 1.5 }),
    /overlay scale must be a whole number >= 1, got 1.5/,
  );
  assert.throws(() => overlay(img, map, { scale: 0 }), /got 0/);
  tf.dispose([img, map]);
});

test("bad overlay input is a clear error", () => {
  const [img, map] = [image(), cam()];
  const bytes = tf.fill([2, 2, 3], 200);
  assert.throws(() => overlayToRgba(bytes, map), /values in \[0, 1\], got \[200, 200\]; divide bytes by 255/);
  assert.throws(() => overlayToRgba(img, map, { alpha: 1.5 }), /alpha must be in \[0, 1\], got 1.5/);
  assert.throws(() => overlayToRgba(img, tf.zeros([2, 1, 2])), /map must be \[H, W\] or \[1, H, W\]/);
  assert.throws(() => overlayToRgba(tf.zeros([1, 2, 2]), map), /C = 1, 3 or 4; got shape \[1, 2, 2\]/);
  tf.dispose([img, map, bytes]);
});

test("tensor images: unit, byte and min-max scales; heatmaps with a symmetric range", () => {
  const t = tf.tensor2d([0, 0.5, 1, 2], [2, 2]);
  assert.deepEqual([...tensorToRgba(t).data.filter((_, i) => i % 4 === 0)], [0, 128, 255, 255]);
  assert.deepEqual(
    [...tensorToRgba(t, { scale: "minmax" }).data.filter((_, i) => i % 4 === 0)],
    [0, 64, 128, 255],
  );
  const bytes = tf.tensor2d([0, 1, 254, 300], [2, 2]);
  assert.deepEqual(
    [...tensorToRgba(bytes, { scale: "byte" }).data.filter((_, i) => i % 4 === 0)],
    [0, 1, 254, 255],
  );
  const signed = tf.tensor2d([-2, 0, 1, 2], [2, 2]);
  const heat = heatmapToRgba(signed, { colormap: "gray", range: "symmetric" });
  assert.deepEqual([...heat.data.filter((_, i) => i % 4 === 0)], [0, 128, 191, 255]);
  tf.dispose([t, signed, bytes]);
});
