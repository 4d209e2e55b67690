// Receptive-field maps worked out by hand: TF's 'same' padding (the odd pixel after), valid and dilated windows,
// ZeroPadding2D, branches merged by Add, nested models; and where there is no map (Dense on the spatial axes, a
// Flatten, a GraphModel).
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf, models } from "../../src/index";
import { inspectModel } from "../../src/model";
import { composeMaps, spatialCuts, windowMap, type AxisMap } from "../../src/model/receptive-field";

const axis = (stride: number, offset: number, size: number, out: number, pads: number[] = []): AxisMap => ({
  stride,
  offset,
  size,
  out,
  pads,
});

test("one window op: valid, TF's asymmetric 'same' on odd and even sizes, dilation", () => {
  assert.deepEqual(windowMap(10, 3, 1, 1, "valid"), axis(1, 0, 3, 8));
  assert.deepEqual(windowMap(9, 3, 2, 1, "valid"), axis(2, 0, 3, 4));
  // 'same', k 3, s 2 on 7: out 4, padding total (4−1)·2 + 3 − 7 = 2, before 1
  assert.deepEqual(windowMap(7, 3, 2, 1, "same"), axis(2, -1, 3, 4, [1, 2]));
  // on 8: out 4, total 1, before 0 (the odd pixel goes after)
  assert.deepEqual(windowMap(8, 3, 2, 1, "same"), axis(2, 0, 3, 4, [0, 1]));
  // k 3, dilation 2: extent 5
  assert.deepEqual(windowMap(10, 3, 1, 2, "same"), axis(1, -2, 5, 10, [2, 4]));
  assert.equal(windowMap(2, 3, 1, 1, "valid"), null);
  assert.equal(windowMap(8, 3, 1, 1, "causal"), null);
  // stride 2 then k 3: fields 3 + 2·2 = 7 wide, 4 apart, starting at −1 + 0·2
  assert.deepEqual(composeMaps(axis(2, -1, 3, 4, [1, 2]), axis(1, 0, 3, 2)), axis(2, -1, 7, 2, [1, 2]));
});

test("a chain: valid conv, 'same' stride-2 conv, ZeroPadding2D, valid pooling", () => {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [16, 13, 1], filters: 2, kernelSize: 3, name: "a" }),
      tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, padding: "same", name: "b" }),
      tf.layers.zeroPadding2d({
        padding: [
          [1, 0],
          [2, 2],
        ],
        name: "z",
      }),
      tf.layers.maxPooling2d({ poolSize: 2, name: "p" }),
      tf.layers.flatten({ name: "f" }),
      tf.layers.dense({ units: 2, name: "d" }),
    ],
  });
  const cuts = spatialCuts(inspectModel(model))!;
  assert.deepEqual(
    cuts.cuts.map((c) => c.node.name),
    ["a", "b", "z", "p"],
  );
  const seg = (from: number, to: number, size: [number, number]) => cuts.segment(from, to, size)!.map;
  // rows 16: a → 14 (0, 3); b on 14: out 7, total 1, before 0 → stride 2, offset 0, size 3 + 2 = 5
  // z: 8 rows, offset −1·2; p (2, stride 2): out 4, stride 4, size 5 + 1·2 = 7
  assert.deepEqual(seg(-1, 3, [16, 13])[0], axis(4, -2, 7, 4, [0, 1]));
  // columns 13: a → 11; b on 11: out 6, total (6−1)·2 + 3 − 11 = 2, before 1 → offset −1, size 5
  // z: +2 each side → 10, offset −1 − 2·2 = −5; p: out 5, stride 4, size 7
  assert.deepEqual(seg(-1, 3, [16, 13])[1], axis(4, -5, 7, 5, [1, 2]));
  // from a cut: b's output → p's output, on b's 7 x 6
  assert.deepEqual(seg(1, 3, [7, 6])[0], axis(2, -1, 2, 4));
  // mult-adds: weights × output positions (a: (9 + 1)·2 · 14·11)
  assert.equal(cuts.segment(-1, 0, [16, 13])!.macs, 20 * 14 * 11);
  model.dispose();
});

test("branches meet at Add: the union of their fields; a nested model's layers are cuts of the whole", () => {
  const x = tf.input({ shape: [8, 8, 3] });
  const wide = tf.layers.conv2d({ filters: 2, kernelSize: 5, strides: 2, padding: "same" }).apply(x);
  const narrow = tf.layers.conv2d({ filters: 2, kernelSize: 1, strides: 2 }).apply(x);
  const sum = tf.layers
    .add({ name: "sum" })
    .apply([wide, narrow] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
  const inner = tf.sequential({
    name: "inner",
    layers: [
      tf.layers.conv2d({
        inputShape: [4, 4, 2],
        filters: 2,
        kernelSize: 3,
        padding: "same",
        name: "innerConv",
      }),
    ],
  });
  const model = tf.model({ inputs: x, outputs: inner.apply(sum) as tf.SymbolicTensor });
  const cuts = spatialCuts(inspectModel(model))!;
  // the two convolutions are not cuts: Add still reads the other branch
  assert.deepEqual(
    cuts.cuts.map((c) => c.node.name),
    ["sum", "innerConv"],
  );
  // 'same' k 5 s 2 on 8: out 4, total 3, before 1 → (−1, 5); k 1 s 2 valid → (0, 1); union (−1, 5)
  assert.deepEqual(cuts.segment(-1, 0, [8, 8])!.map[0], axis(2, -1, 5, 4, [1, 3]));
  // then 'same' k 3 s 1 (before 1): offset −1 − 1·2 = −3, size 5 + 2·2 = 9
  assert.deepEqual(cuts.segment(-1, 1, [8, 8])!.map[1], axis(2, -3, 9, 4, [1, 3, 1, 2]));
  model.dispose();
});

test("no map past Dense on the spatial axes or a Flatten; none for a GraphModel", async () => {
  const x = tf.input({ shape: [6, 6, 2] });
  const d = tf.layers.dense({ units: 3, name: "dense" }).apply(x) as tf.SymbolicTensor;
  const c = tf.layers.conv2d({ filters: 2, kernelSize: 3, name: "conv" }).apply(d) as tf.SymbolicTensor;
  const model = tf.model({ inputs: x, outputs: c });
  const cuts = spatialCuts(inspectModel(model))!;
  assert.deepEqual(
    cuts.cuts.map((n) => n.node.name),
    ["dense", "conv"],
  );
  assert.equal(cuts.segment(-1, 0, [6, 6]), null);
  assert.equal(cuts.segment(-1, 1, [6, 6]), null);
  model.dispose();

  const seq = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2 }),
    ],
  });
  const graph = await models.freeze(seq);
  assert.equal(spatialCuts(inspectModel(graph)), null);
  graph.dispose();
  seq.dispose();
});
