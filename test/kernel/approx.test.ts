// The approximate rules of cells tagged nbtest-approx: what a different CPU changes passes, what a regression
// changes fails. The "CPU" variants below are the kind of differences measured between 1 and 2 TensorFlow
// threads and between the native and the pure-JS backends on notebooks 7.2 and 7.3.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PNG } from "pngjs";
import { approxRulesOf, DEFAULT_APPROX } from "../../kernel-ext/nbtest/approx";
import { compareOutputs, DEFAULT_COMPARE, type CompareOptions } from "../../kernel-ext/nbtest/compare";
import type { Output } from "../../kernel-ext/nbtest/notebook";
import { DEFAULT_SANITIZERS } from "../../kernel-ext/nbtest/sanitize";

const strict: CompareOptions = { ...DEFAULT_COMPARE, sanitizers: DEFAULT_SANITIZERS };
const approx: CompareOptions = { ...strict, approx: DEFAULT_APPROX };
const stream = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
const result = (data: Record<string, unknown>): Output => ({
  output_type: "execute_result",
  data,
  metadata: {},
});
const differs = (a: Output, b: Output, options = approx) => compareOutputs([a], [b], options).length > 0;

test("numbers in text: digits may move within the tolerance, words may not", () => {
  const printed = (loss: number, name = "GradCAM") => stream(`${name.padEnd(10)} loss ${loss.toFixed(4)}\n`);
  assert.ok(differs(printed(1.3768), printed(1.3771), strict), "strict mode keeps every digit");
  assert.ok(!differs(printed(1.3768), printed(1.3771)), "a different CPU");
  assert.ok(differs(printed(1.3768), printed(1.52)), "a loss 10% higher");
  assert.ok(differs(printed(1.3768), printed(1.3768, "HiResCAM")), "another method's name");
  const layer = (name: string) => stream(`${name}  [1, 16, 16, 32]  4,640\n`);
  assert.ok(differs(layer("conv2"), layer("conv_2")), "a changed layer name");
  const predicted = (label: string) => stream(`predicted: ${label} (0.93)\n`);
  assert.match(
    compareOutputs([predicted("circle")], [predicted("square")], approx)[0].message,
    /text around the numbers differs: expected "predicted: circle \(", got "predicted: square \("/,
  );
  assert.ok(differs(stream("a 1 b 2\n"), stream("a 1 b 2 c 3\n")), "one more number");
});

// A loss curve as a vega-lite spec and its SVG still picture, falling (or rising) over 10 epochs.
function curve(losses: number[]): Output {
  const values = losses.map((value, step) => ({ step, value }));
  const path = losses.map(
    (v, i) => `${i === 0 ? "M" : "L"}${(i * 40).toFixed(3)},${(200 * (1 - v / 1.4)).toFixed(3)}`,
  );
  return result({
    "text/plain": `scalars: epoch/loss (${losses.length} points)`,
    "application/vnd.vegalite.v5+json": { data: { values } },
    "image/svg+xml": `<svg><path aria-label="step: 9; value: ${losses[9]}" d="${path.join("")}"/></svg>`,
  });
}
const falling = Array.from({ length: 10 }, (_, i) => 1.386 * Math.exp(-i / 4));

test("curves: a CPU's drift passes, a curve that goes up instead of down fails", () => {
  const drifted = falling.map((v, i) => v * (1 + 0.004 * Math.sin(i)) + 1e-7);
  assert.ok(differs(curve(falling), curve(drifted), strict), "strict mode sees the drift");
  assert.deepEqual(compareOutputs([curve(falling)], [curve(drifted)], approx), []);
  const rising = [...falling].reverse();
  const differences = compareOutputs([curve(falling)], [curve(rising)], approx);
  assert.deepEqual(differences.map((d) => d.key).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/svg+xml",
  ]);
  const fewer = compareOutputs([curve(falling)], [curve(falling.slice(0, 9).concat([0.5]))], approx);
  assert.ok(fewer.length > 0, "a different last epoch");
});

function picture(width: number, height: number, paint: (x: number, y: number) => number): string {
  const image = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      image.data[i] = paint(x, y);
      image.data[i + 1] = 255 - paint(x, y);
      image.data[i + 2] = 128;
      image.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(image).toString("base64");
}
const png = (data: string) => result({ "text/plain": "CamResult", "image/png": data });
// A heatmap: a blob centred at (cx, cy).
const blob =
  (cx: number, cy: number, noise = 0) =>
  (x: number, y: number) =>
    Math.max(
      0,
      Math.min(
        255,
        255 * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 200) + noise * Math.sin(x * 7 + y * 13),
      ),
    );

test("pictures: pixel noise and a slightly moved blob pass, the blob elsewhere or a missing picture fails", () => {
  const heatmap = png(picture(128, 128, blob(40, 40)));
  const noisy = png(picture(128, 128, blob(41, 40, 25)));
  assert.ok(differs(heatmap, noisy, strict), "strict mode sees the noise");
  assert.deepEqual(compareOutputs([heatmap], [noisy], approx), []);
  const elsewhere = compareOutputs([heatmap], [png(picture(128, 128, blob(90, 90)))], approx);
  assert.match(elsewhere[0]?.message ?? "", /PNG blocks differ: \d+ of 256 8x8 blocks/);
  const missing = compareOutputs([heatmap], [result({ "text/plain": "CamResult" })], approx);
  assert.match(missing[0]?.message ?? "", /^missing output/);
  const resized = compareOutputs([heatmap], [png(picture(64, 64, blob(20, 20)))], approx);
  assert.match(resized[0]?.message ?? "", /PNG size differs: expected 128x128, got 64x64/);
});

test("metadata.nbtest tunes the rules; an unknown or bad setting is an error that names the cell", () => {
  assert.deepEqual(approxRulesOf({ relative: 0.1 }, "cell 3"), { ...DEFAULT_APPROX, relative: 0.1 });
  assert.throws(
    () => approxRulesOf({ relativ: 0.1 }, "cell 3"),
    /cell 3: unknown metadata\.nbtest setting "relativ"/,
  );
  assert.throws(
    () => approxRulesOf({ imageLevel: -1 }, "cell 3"),
    /imageLevel must be a number >= 0, got -1/,
  );
  assert.throws(() => approxRulesOf([1], "cell 3"), /must be an object/);
});
