import { test } from "node:test";
import assert from "node:assert/strict";
import { imageGrid, ImageView, DISPLAY_SYMBOL } from "../../src/index";

function solid(width: number, height: number, rgb: [number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return { width, height, data };
}

test("imageGrid tiles pictures side by side, keeping each one's pixels", () => {
  const red = solid(8, 8, [255, 0, 0]);
  const blue = new ImageView(solid(8, 8, [0, 0, 255]), "blue");
  const grid = imageGrid([red, blue], { columns: 2, scale: 1, padding: 2, minTileSize: 1 });
  const { width, height, data } = grid.image;
  assert.ok(width >= 8 * 2 + 2 * 3 && height >= 8 + 2 * 2, `grid is ${width}x${height}`);
  const at = (x: number, y: number) => Array.from(data.slice((y * width + x) * 4, (y * width + x) * 4 + 3));
  assert.deepEqual(at(2 + 4, 2 + 4), [255, 0, 0]);
  assert.deepEqual(at(2 + 8 + 2 + 4, 2 + 4), [0, 0, 255]);
});

test("imageGrid renders as image/png with a text description", async () => {
  const grid = imageGrid([solid(4, 4, [0, 255, 0])], { labels: ["green"], title: "one" });
  const bundle = await grid[DISPLAY_SYMBOL]();
  assert.equal(bundle["text/plain"], "grid of 1 pictures: one");
  assert.ok(typeof bundle["image/png"] === "string" && (bundle["image/png"] as string).length > 0);
});

test("imageGrid says what it needs on bad input", () => {
  assert.throws(() => imageGrid([]), /non-empty array of pictures/);
  assert.throws(() => imageGrid([solid(2, 2, [0, 0, 0])], { labels: ["a", "b"] }), /1 pictures but 2 labels/);
});
