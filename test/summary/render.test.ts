// The summary value: notebook bundle (text and escaped, collapsible HTML without script), JSON, options that
// change the text.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DISPLAY_SYMBOL, models, summary, tf } from "../../src/index";
import { assertGolden } from "./golden";

/** A layer whose class name carries HTML, to prove names are escaped. */
class Tricky extends tf.layers.Layer {
  static className = 'Tricky<b onclick="x">&';
  override computeOutputShape(shape: tf.Shape | tf.Shape[]) {
    return shape;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]) {
    return inputs;
  }
}

const resnet = models.smallResnet();

test("the display bundle has the text table and an escaped HTML table with <details> and no script", () => {
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 2, inputShape: [3] }), new Tricky({ name: "tricky" })],
  });
  const bundle = summary(model)[DISPLAY_SYMBOL]();
  assert.equal(bundle["text/plain"], summary(model).toString());
  const html = bundle["text/html"] as string;
  assert.match(html, /Tricky&lt;b onclick=&quot;x&quot;&gt;&amp;/);
  assert.doesNotMatch(html, /<b onclick/);
  assert.doesNotMatch(html, /<script/i);
  assert.match(html, /<details open><summary class="ts-row">/);
});

test("HTML: levels above depth start open, deeper containers start closed but are present", () => {
  const html = summary(models.resnet18({ init: "zeros" }), { depth: 1 })[DISPLAY_SYMBOL]()[
    "text/html"
  ] as string;
  assert.equal((html.match(/<details open>/g) ?? []).length, 1);
  // 4 stages + 8 blocks + 3 downsample Sequentials, collapsed; their layers are inside.
  assert.equal((html.match(/<details>/g) ?? []).length, 15);
  assert.match(html, /BatchNormalization: 4-2/);
  assertGolden("small-resnet-html", summary(resnet, { depth: 1 })[DISPLAY_SYMBOL]()["text/html"] as string);
});

test("toJSON gives rows and totals as plain data", () => {
  const s = summary(resnet);
  const json = JSON.parse(JSON.stringify(s));
  assert.equal(json.totals.totalParams, s.totalParams);
  assert.equal(json.rows.length, s.rows.length);
  assert.deepEqual(json.rows[1].outputShapes, [[1, 64, 64, 16]]);
  assert.equal(json.rows[1].name, "stem_conv");
});

test("row settings: ascii glyphs, no depth index, var names, channels-first shapes", () => {
  const s = summary(resnet, {
    asciiOnly: true,
    depthIndex: false,
    varNames: true,
    channelsFirst: true,
    depth: 1,
  });
  assertGolden("small-resnet-ascii-varnames-nchw", s.toString());
  assert.match(s.toString(), /^Layer \(type \(var_name\)\)/m);
  assert.match(s.toString(), /^\+ Conv2D \(stem_conv\) +\[1, 16, 64, 64\]/m);
  const deep = summary(models.resnet18({ init: "zeros" }), { asciiOnly: true, depth: 3 }).toString();
  assert.match(deep, /^\| {4}\| {4}\+ Conv2D: 3-1 /m);
  assert.doesNotMatch(deep, /[│└├─]/);
});

test("a model whose spatial size is left open prints ? and omits mult-adds and memory until inputSize is given", () => {
  const input = tf.input({ shape: [null, null, 3] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(input) as ReturnType<typeof tf.input>;
  const model = tf.model({ inputs: input, outputs: conv });
  const open = summary(model);
  assert.match(open.toString(), /\[1, \?, \?, 2\]/);
  assert.doesNotMatch(open.toString(), /mult-adds|Input size/);
  assert.ok(Number.isNaN(open.totalMultAdds));
  const sized = summary(model, { inputSize: [1, 10, 10, 3] });
  assert.equal(sized.totalMultAdds, 8 * 8 * (3 * 3 * 3 * 2 + 2));
});
