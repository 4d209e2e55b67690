// A tf.Tensor as a cell's last value: statistics and values as text, a table, a picture or a histogram, and
// never more than MAX_COPIED elements copied from the device (counted by wrapping every tensor's dataSync).
import assert from "node:assert/strict";
import { test } from "node:test";
import { PNG } from "pngjs";
import { tf } from "../../src/index";
import { resultBundle } from "../../kernel-ext/result";
import { MAX_COPIED, tensorPreview, type TensorLike } from "../../kernel-ext/tensor-preview";

/** Counts the elements every dataSync/data of any tensor returns while `run` runs. */
async function copiedDuring<T>(run: () => Promise<T>): Promise<{ value: T; largest: number; total: number }> {
  const proto = tf.Tensor.prototype as unknown as { dataSync(): ArrayLike<unknown> };
  const original = proto.dataSync;
  let [largest, total] = [0, 0];
  proto.dataSync = function (this: tf.Tensor) {
    const values = original.call(this);
    largest = Math.max(largest, values.length);
    total += values.length;
    return values;
  };
  try {
    return { value: await run(), largest, total };
  } finally {
    proto.dataSync = original;
  }
}

const preview = (t: tf.Tensor) => tensorPreview(t as unknown as TensorLike);

test("text/plain has shape, dtype, min/max/mean/std and the first values", async () => {
  const t = tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const bundle = await preview(t);
  assert.equal(
    bundle["text/plain"],
    "Tensor shape=[2, 3] dtype=float32 size=6\nmin=1 max=6 mean=3.500 std=1.708\nvalues [1, 2, 3, 4, 5, 6]",
  );
  t.dispose();
});

test("a small 2-D tensor gets an HTML table with row and column indices", async () => {
  const t = tf.tensor2d([
    [0.5, -1],
    [2, 3],
  ]);
  const html = String((await preview(t))["text/html"]);
  assert.equal(
    html,
    '<table class="tensorscope-tensor"><tr><th></th><th>0</th><th>1</th></tr>' +
      "<tr><th>0</th><td>0.5000</td><td>-1</td></tr><tr><th>1</th><td>2</td><td>3</td></tr></table>",
  );
  t.dispose();
});

test("an image-shaped tensor and a batch of them become one PNG of tiles", async () => {
  const image = tf.linspace(0, 1, 16 * 20 * 3).reshape([16, 20, 3]);
  const single = PNG.sync.read(Buffer.from(String((await preview(image))["image/png"]), "base64"));
  assert.deepEqual([single.width, single.height], [20, 16]);
  const batch = tf.ones([3, 16, 20, 1]);
  const tiles = PNG.sync.read(Buffer.from(String((await preview(batch))["image/png"]), "base64"));
  assert.deepEqual([tiles.width, tiles.height], [3 * 20 + 2 * 2, 16]);
  assert.equal(tiles.data[0], 255); // ones are white on the [0, 1] scale
  tf.dispose([image, batch]);
});

test("a large tensor gets a histogram; at most MAX_COPIED elements are copied, and no tensor leaks", async () => {
  const big = tf.randomNormal([1000, 1000], 0, 1, "float32", 7);
  const image = tf.zeros([2048, 2048, 3]);
  const before = tf.memory().numTensors;
  const histogram = await copiedDuring(() => preview(big));
  assert.match(
    String(histogram.value["image/svg+xml"]),
    /^<svg .*histogram, sample of \d+ of 1000000 values/,
  );
  assert.ok(histogram.largest <= MAX_COPIED, `copied ${histogram.largest} elements at once`);
  assert.ok(histogram.total <= MAX_COPIED + 4 + 6, `copied ${histogram.total} elements in all`);
  const picture = await copiedDuring(() => preview(image));
  assert.ok(picture.value["image/png"]);
  assert.ok(picture.largest <= MAX_COPIED, `copied ${picture.largest} elements of a 2048×2048×3 image`);
  assert.equal(tf.memory().numTensors, before);
  tf.dispose([big, image]);
});

test("values without a bundle are util.inspect text; strings keep their quotes; tensors are previewed", async () => {
  assert.deepEqual(await resultBundle(null), { "text/plain": "null" });
  assert.deepEqual(await resultBundle("abc"), { "text/plain": "'abc'" });
  assert.deepEqual(await resultBundle({ a: [1, 2] }), { "text/plain": "{ a: [ 1, 2 ] }" });
  const t = tf.scalar(3, "int32");
  assert.match((await resultBundle(t))["text/plain"], /^Tensor shape=\[\] dtype=int32 size=1\nmin=3 max=3/);
  t.dispose();
  const disposed = tf.tensor1d([1]);
  disposed.dispose();
  assert.equal((await resultBundle(disposed))["text/plain"], "Tensor (disposed) shape=[1]");
});
