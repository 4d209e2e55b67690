// nbval-style comparison rules and the sanitisers, on hand-made outputs.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PNG } from "pngjs";
import { compareOutputs, DEFAULT_COMPARE, type CompareOptions } from "../../kernel-ext/nbtest/compare";
import type { Output } from "../../kernel-ext/nbtest/notebook";
import { contextSanitizers, DEFAULT_SANITIZERS, sanitize } from "../../kernel-ext/nbtest/sanitize";

const options: CompareOptions = {
  ...DEFAULT_COMPARE,
  sanitizers: [...contextSanitizers(), ...DEFAULT_SANITIZERS],
};
const stream = (text: string | string[], name = "stdout"): Output => ({ output_type: "stream", name, text });
const result = (data: Record<string, unknown>): Output => ({
  output_type: "execute_result",
  data,
  metadata: {},
});

test("sanitisers replace times, durations, sizes, ids, paths, run names and tfjs-node start-up lines", () => {
  const text = [
    "2026-11-28 07:50:23.950123: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on.",
    'tensorscope: using the node backend (tfjs "tensorflow")',
    'tensorscope: using the cpu backend (tfjs "cpu")',
    "",
    "============================",
    "Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. ",
    "============================",
    "epoch 3 took 41.5 ms (1.2s total) at 2026-11-28T07:50:23.950Z, 12:01:02",
    "memory 164 MB, 3.5 KiB, 2048 bytes; tensor at 0x7ffd1234, id 9f86d081884c7d65",
    "logs in /work/nb/runs/Nov28_07-50-12_host1/events.out.tfevents.1764316223.host1.42.0",
    "run 123e4567-e89b-12d3-a456-426614174000 in /usr/lib/node_modules/x.js at 1764316223.5",
  ].join("\n");
  assert.equal(
    sanitize(text, options.sanitizers),
    [
      "epoch 3 took <DURATION> (<DURATION> total) at <DATETIME>, <TIME>",
      "memory <SIZE>, <SIZE>, <SIZE>; tensor at <ADDR>, id <ID>",
      "logs in <PATH>",
      "run <UUID> in <PATH> at <TIMESTAMP>",
    ].join("\n"),
  );
});

test("streams compare coalesced per name and after sanitising; a changed word is reported with a diff", () => {
  assert.deepEqual(compareOutputs([stream("a\nb 3 ms\n")], [stream(["a\n", "b 7 ms\n"])], options), []);
  const [difference] = compareOutputs([stream("loss 0.5\n")], [stream("loss 0.6\n")], options);
  assert.equal(difference.key, "stream stdout");
  assert.equal(difference.message, "@@ line 1 (- expected, + actual)\n- loss 0.5\n+ loss 0.6");
  assert.equal(compareOutputs([stream("x")], [stream("x", "stderr")], options).length, 2);
  const noise = "tensorscope: using the cpu backend\n";
  assert.deepEqual(compareOutputs([stream(noise, "stderr"), stream("a")], [stream("a")], options), []);
});

test("HTML compares as whitespace-normalised markup", () => {
  const html = (markup: string) => result({ "text/plain": "t", "text/html": markup });
  assert.deepEqual(
    compareOutputs([html("<div>\n  <b>7</b>\n</div>")], [html("<div><b>7</b></div>")], options),
    [],
  );
  assert.equal(compareOutputs([html("<b>7</b>")], [html("<b>8</b>")], options)[0].key, "text/html");
});

test("vega-lite specs compare as JSON with numbers to a tolerance", () => {
  const spec = (y: number) =>
    result({ "text/plain": "chart", "application/vnd.vegalite.v5+json": { data: { values: [{ y }] } } });
  assert.deepEqual(compareOutputs([spec(Math.SQRT2)], [spec(1.4142135)], options), []);
  const [difference] = compareOutputs([spec(1.41)], [spec(1.5)], options);
  assert.equal(difference.message, "at $.data.values[0].y: expected 1.41, got 1.5");
});

function png(width: number, height: number, changed: number, by: number): string {
  const image = new PNG({ width, height });
  image.data.fill(100);
  for (let i = 0; i < changed; i++) image.data[i * 4] = 100 + by;
  return PNG.sync.write(image).toString("base64");
}

test("PNGs compare by size and by the fraction of pixels beyond a channel tolerance", () => {
  const picture = (data: string) => result({ "text/plain": "img", "image/png": data });
  const base = picture(png(10, 10, 0, 0));
  assert.deepEqual(
    compareOutputs([base], [picture(png(10, 10, 100, 10))], options),
    [],
    "small changes everywhere",
  );
  assert.deepEqual(
    compareOutputs([base], [picture(png(10, 10, 1, 200))], options),
    [],
    "1 pixel of 100 = 1%",
  );
  assert.match(
    compareOutputs([base], [picture(png(10, 10, 2, 200))], options)[0].message,
    /2 of 100 \(2\.00%\)/,
  );
  assert.match(
    compareOutputs([base], [picture(png(10, 12, 0, 0))], options)[0].message,
    /expected 10x10, got 10x12/,
  );
});

test("errors compare by name and value; widget views are not compared; missing outputs are reported", () => {
  const error = (evalue: string): Output => ({
    output_type: "error",
    ename: "Error",
    evalue,
    traceback: ["x"],
  });
  assert.deepEqual(
    compareOutputs([error("boom")], [{ ...error("boom"), traceback: ["other"] }], options),
    [],
  );
  assert.equal(compareOutputs([error("boom")], [error("bang")], options)[0].key, "error");
  const widget = (id: string) =>
    result({ "text/plain": "w", "application/vnd.jupyter.widget-view+json": { model_id: id } });
  assert.deepEqual(compareOutputs([widget("a")], [widget("b")], options), []);
  assert.match(compareOutputs([stream("x\n")], [], options)[0].message, /^missing output/);
});

test("a path stored by a clone in another folder compares equal to this run's path", () => {
  const stored = stream("working directory: /work/main/notebooks/smoke\n");
  const actual = stream("working directory: /tmp/tensorscope-new-user-x1/tensorscope/notebooks/smoke\n");
  assert.deepEqual(compareOutputs([stored], [actual], options), []);
});
