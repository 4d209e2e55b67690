import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { renderGrid } from "../../src/image/grid";
import { ImageView } from "../../src/image/view";
import { DISPLAY_SYMBOL } from "../../src/display";
import type { RgbaImage } from "../../src/image/png";

function solid(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], p * 4);
  return { width, height, data };
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.data.slice(i, i + 4)];
}

test("tiles are enlarged with nearest-neighbour sampling and placed on a regular grid", () => {
  // a 2x2 checker tile: red, green / blue, white
  const checker: RgbaImage = { width: 2, height: 2, data: new Uint8ClampedArray(16) };
  checker.data.set([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255]);
  const grid = renderGrid([{ image: checker }, { image: solid(2, 2, [0, 0, 0]) }, { image: checker }], {
    columns: 2,
    scale: 10,
    padding: 4,
    background: "#808080",
  });
  // 2 columns of 20 px + 3 paddings of 4; 2 rows likewise; no labels or title
  assert.equal(grid.width, 52);
  assert.equal(grid.height, 52);
  assert.deepEqual(pixel(grid, 4, 4), [255, 0, 0, 255]);
  assert.deepEqual(pixel(grid, 23, 13), [0, 255, 0, 255]);
  assert.deepEqual(pixel(grid, 13, 14), [0, 0, 255, 255]);
  assert.deepEqual(pixel(grid, 14, 14), [255, 255, 255, 255]);
  assert.deepEqual(pixel(grid, 28, 4), [0, 0, 0, 255]);
  assert.deepEqual(pixel(grid, 26, 4), [128, 128, 128, 255]);
  assert.deepEqual(pixel(grid, 4, 37), [255, 0, 0, 255]);
  assert.deepEqual(pixel(grid, 4, 38), [0, 0, 255, 255]);
  assert.deepEqual(pixel(grid, 2, 2), [128, 128, 128, 255]);
  assert.deepEqual(pixel(grid, 40, 40), [128, 128, 128, 255]);
});

test("labels, a title and a colour bar add ink in their own bands", () => {
  const tiles = [{ image: solid(4, 4, [255, 255, 255]), label: "filter 0" }];
  const plain = renderGrid(tiles, { scale: 12 });
  const dressed = renderGrid(tiles, {
    scale: 12,
    title: "conv1",
    colorbar: { colormap: "diverging", range: { min: -1, max: 1 } },
  });
  assert.ok(dressed.height > plain.height + 20);
  const labelBand = { y0: 4 + 48 + 1, y1: 4 + 48 + 14 };
  let ink = 0;
  for (let y = labelBand.y0; y < labelBand.y1; y++) {
    for (let x = 0; x < plain.width; x++) if (pixel(plain, x, y)[0] < 128) ink++;
  }
  assert.ok(ink > 10, `label drew ${ink} dark pixels`);
});

test("an ImageView displays as a PNG that decodes to its pixels, and saves the same bytes", () => {
  const image = solid(3, 2, [10, 20, 30]);
  const view = new ImageView(image, "a 2x3 picture");
  const bundle = view[DISPLAY_SYMBOL]();
  assert.equal(bundle["text/plain"], "a 2x3 picture");
  const png = PNG.sync.read(Buffer.from(bundle["image/png"] as string, "base64"));
  assert.equal(png.width, 3);
  assert.equal(png.height, 2);
  assert.deepEqual([...png.data], [...image.data]);
  const path = join(mkdtempSync(join(tmpdir(), "ts-view-")), "sub", "view.png");
  view.savePng(path);
  assert.deepEqual(readFileSync(path), view.png());
});

test("bad grid input is a clear error", () => {
  assert.throws(() => renderGrid([]), /at least one image/);
  assert.throws(
    () => renderGrid([{ image: { width: 2, height: 2, data: new Uint8ClampedArray(3) } }]),
    /needs 16 bytes/,
  );
});
