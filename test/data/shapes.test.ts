import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { shapesDataset, SHAPE_KINDS } from "../../src/data/shapes";

test("the same seed gives the same images, another seed other images", () => {
  const a = shapesDataset({ count: 5, seed: 3 });
  const b = shapesDataset({ count: 5, seed: 3 });
  const c = shapesDataset({ count: 5, seed: 4 });
  assert.deepEqual(Array.from(a.images.dataSync()), Array.from(b.images.dataSync()));
  assert.deepEqual(a.boxes, b.boxes);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(Array.from(a.images.dataSync()), Array.from(c.images.dataSync()));
  [a, b, c].forEach((d) => d.dispose());
});

test("shapes, values, boxes and labels are what they claim", () => {
  const data = shapesDataset({ count: 200, size: 24, seed: 1 });
  assert.deepEqual(data.images.shape, [200, 24, 24, 3]);
  assert.deepEqual(data.classNames, [...SHAPE_KINDS]);
  const values = data.images.dataSync();
  assert.ok(values.every((v) => v >= 0 && v <= 1));
  for (const box of data.boxes) {
    assert.ok(box.x0 >= 0 && box.y0 >= 0 && box.x1 <= 24 && box.y1 <= 24);
    const side = box.x1 - box.x0;
    assert.equal(box.y1 - box.y0, side);
    assert.ok(side >= 6 && side <= 11, `side ${side} within 0.25..0.45 of 24`);
  }
  // Every class appears, none dominates.
  const counts = SHAPE_KINDS.map((_, k) => data.labels.filter((l) => l === k).length);
  assert.ok(
    counts.every((n) => n > 30 && n < 70),
    `class counts ${counts}`,
  );
  data.dispose();
});

test("the shape is brighter than the background: the box's centre vs the far corner", () => {
  // Squares fill their box, so the centre of the box is on the shape; the image corner farthest from it is not.
  const data = shapesDataset({ count: 50, seed: 9, classes: ["square"], noise: 0 });
  const pixels = data.images.arraySync();
  data.boxes.forEach((box, n) => {
    const cx = Math.floor((box.x0 + box.x1) / 2);
    const cy = Math.floor((box.y0 + box.y1) / 2);
    const fx = cx < 16 ? 31 : 0;
    const fy = cy < 16 ? 31 : 0;
    const brightness = (y: number, x: number) => pixels[n][y][x].reduce((s, v) => s + v, 0);
    assert.ok(brightness(cy, cx) > brightness(fy, fx), `image ${n}`);
  });
  assert.ok(data.labels.every((l) => l === 0));
  data.dispose();
});

test("bad options are clear errors", () => {
  assert.throws(() => shapesDataset({ count: 0 }), /count must be a positive integer, got 0/);
  assert.throws(() => shapesDataset({ count: 1, size: 4 }), /size must be an integer >= 8, got 4/);
  assert.throws(
    () => shapesDataset({ count: 1, classes: ["hexagon" as never] }),
    /classes must be some of circle, square, triangle, cross/,
  );
  assert.throws(() => shapesDataset({ count: 1, scale: [0.5, 0.2] }), /scale must satisfy/);
  assert.equal(tf.memory().numTensors >= 0, true);
});
