// Every CAM method against maps worked out in plain arithmetic from the hand-set model (cam-fixtures.ts),
// following the formulas of pytorch-grad-cam (see /work/shared/reference/cam.md §7–8).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { AblationCAM, CAM_METHODS, GradCAM, ScoreCAM, type CamConstructor } from "../../src/vision/cam";
import { normalizeAndResize } from "../../src/vision/cam/base";
import { CHANNELS, CLASSES, INPUTS, handModel, inputTensor } from "./cam-fixtures";
import {
  P,
  activations,
  assertClose,
  channel,
  gradCam,
  gradient,
  ks,
  normalised,
  projection,
  relu,
  score,
  sum,
  topClass,
  weighted,
} from "./cam-hand-oracle";

type Map2 = number[]; // 9 positions

const ORACLES: Record<string, (x: number[], c: number) => Map2> = {
  GradCAM: (x, c) => gradCam(x, gradient(c)),
  GradCAMPlusPlus: (x, c) => {
    const A = activations(x);
    const g = gradient(c);
    const w = ks.map((k) => {
      const sumA = sum(channel(A, k));
      return sum(
        channel(g, k).map((gv) =>
          gv === 0 ? 0 : (relu(gv) * gv ** 2) / (2 * gv ** 2 + sumA * gv ** 3 + 1e-6),
        ),
      );
    });
    return weighted(A, w);
  },
  XGradCAM: (x, c) => {
    const A = activations(x);
    const g = gradient(c);
    const w = ks.map((k) => sum(A.map((row, p) => row[k] * g[p][k])) / (sum(channel(A, k)) + 1e-7));
    return weighted(A, w);
  },
  HiResCAM: (x, c) => activations(x).map((row, p) => row[0] * gradient(c)[p][0] + row[1] * gradient(c)[p][1]),
  LayerCAM: (x, c) =>
    activations(x).map((row, p) => row[0] * relu(gradient(c)[p][0]) + row[1] * relu(gradient(c)[p][1])),
  EigenCAM: (x) => projection(activations(x)),
  EigenGradCAM: (x, c) =>
    projection(activations(x).map((row, p) => [row[0] * gradient(c)[p][0], row[1] * gradient(c)[p][1]])),
  ScoreCAM: (x, c) => {
    const A = activations(x);
    // The layer is 3x3 like the input, so the upsampling is the identity; each channel is min-max normalised.
    const scores = ks.map((k) => {
      const a = channel(A, k);
      const lo = Math.min(...a);
      const hi = Math.max(...a);
      const masked = x.map((v, p) => v * ((a[p] - lo) / (hi - lo + 1e-8)));
      return score(activations(masked), c);
    });
    const e = scores.map((s) => Math.exp(s - Math.max(...scores)));
    return weighted(
      A,
      e.map((v) => v / sum(e)),
    );
  },
  AblationCAM: (x, c) => {
    const A = activations(x);
    const y = score(A, c);
    const low = Math.min(...A.flat());
    const fill = low === 0 ? 0 : low - 1e7;
    const w = ks.map(
      (k) =>
        (y -
          score(
            A.map((row) => row.map((v, j) => (j === k ? fill : v))),
            c,
          )) /
        y,
    );
    return weighted(A, w);
  },
};

// The methods added later have their oracles in cam-oracle-more.test.ts.
const METHODS: Record<string, CamConstructor> = Object.fromEntries(
  Object.entries(CAM_METHODS as Record<string, CamConstructor>).filter(([name]) => name in ORACLES),
);

describe("each method matches its hand-computed map", () => {
  const model = handModel();
  for (const [name, Method] of Object.entries(METHODS)) {
    for (const targets of [undefined, [1, 0, 1]]) {
      test(`${name}, targets ${targets ? JSON.stringify(targets) : "default (top class)"}`, () => {
        const x = inputTensor();
        const before = tf.memory().numTensors;
        const result = new Method(model, { targetLayer: "feat" }).compute(x, { targets });
        const classes = targets ?? INPUTS.map(topClass);
        assert.equal(result.method, name);
        if (name !== "EigenCAM") assert.deepEqual(result.classes, classes);
        assert.deepEqual(result.heatmap.shape, [3, 3, 3]);
        assert.deepEqual(result.raw.shape, [3, 3, 3]);
        const raw = result.raw.arraySync().map((m) => m.flat());
        const heat = result.heatmap.arraySync().map((m) => m.flat());
        INPUTS.forEach((x0, b) => {
          const expected = ORACLES[name](x0, classes[b]);
          assertClose(raw[b], expected, `${name} raw, sample ${b}`);
          assertClose(heat[b], normalised(expected), `${name} heatmap, sample ${b}`);
          assert.ok(Math.abs(result.scores[b] - score(activations(x0), classes[b])) < 1e-4);
        });
        result.dispose();
        assert.equal(tf.memory().numTensors, before, "no tensor leaks");
        x.dispose();
      });
    }
  }
});

test("a target function scores each output row (here: class 0 minus class 1)", () => {
  const model = handModel();
  const x = inputTensor();
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, {
    targets: (out) => tf.sub(out.slice([0, 0], [-1, 1]), out.slice([0, 1], [-1, 1])).squeeze([1]),
  });
  assert.equal(result.classes, null);
  const raw = result.raw.arraySync().map((m) => m.flat());
  INPUTS.forEach((x0, b) => {
    const w = ks.map((k) => sum(channel(gradient(0), k).map((g0, p) => g0 - gradient(1)[p][k])) / P);
    assertClose(raw[b], weighted(activations(x0), w), `sample ${b}`);
  });
  result.dispose();
  x.dispose();
});

test("the resize is bilinear with half-pixel centres, as OpenCV's INTER_LINEAR", () => {
  // cv2.resize([[0, 1], [2, 3]], (4, 4)) = rows [0 .25 .75 1], [.5 .75 1.25 1.5], [1.5 1.75 2.25 2.5], [2 2.25 2.75 3].
  const cv2 = [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3];
  const out = tf.tidy(() => normalizeAndResize(tf.tensor3d([0, 1, 2, 3], [1, 2, 2]), [4, 4]).dataSync());
  // min-max of the 2x2 map gives [0, 1/3, 2/3, 1]; the resize keeps min 0 and max 1.
  assertClose(
    out,
    cv2.map((v) => v / 3),
    "resized",
    1e-5,
  );
});

test("ScoreCAM and AblationCAM give the same maps for any batch size, and report progress", () => {
  const model = handModel();
  const x = inputTensor();
  for (const Method of [ScoreCAM, AblationCAM]) {
    const maps: number[][] = [];
    for (const batchSize of [1, 3, 64]) {
      const progress: [number, number][] = [];
      const cam = new Method(model, {
        targetLayer: "feat",
        batchSize,
        onProgress: (d, t) => progress.push([d, t]),
      });
      const result = cam.compute(x);
      maps.push(Array.from(result.raw.dataSync()));
      const total = INPUTS.length * CHANNELS;
      assert.equal(progress.length, Math.ceil(total / batchSize));
      assert.deepEqual(progress.at(-1), [total, total]);
      result.dispose();
    }
    assertClose(maps[1], maps[0], `${Method.name} batch 3 vs 1`, 1e-6);
    assertClose(maps[2], maps[0], `${Method.name} batch 64 vs 1`, 1e-6);
  }
  x.dispose();
  assert.equal(CLASSES, 2);
});

test("Faster Score-CAM: with maxChannels 1, the map is the channel of largest spatial variance", () => {
  const model = handModel();
  const x = inputTensor();
  const variance = (v: number[]) => {
    const m = sum(v) / v.length;
    return sum(v.map((t) => (t - m) ** 2)) / v.length;
  };
  const progress: number[] = [];
  const fast = new ScoreCAM(model, {
    targetLayer: "feat",
    maxChannels: 1,
    onProgress: (_, total) => progress.push(total),
  });
  const result = fast.compute(x);
  assert.deepEqual([...new Set(progress)], [INPUTS.length], "one job per image");
  const raw = result.raw.arraySync().map((m) => m.flat());
  INPUTS.forEach((x0, b) => {
    const A = activations(x0);
    const k = variance(channel(A, 0)) >= variance(channel(A, 1)) ? 0 : 1;
    assertClose(raw[b], channel(A, k), `sample ${b}`);
  });
  result.dispose();
  const all = new ScoreCAM(model, { targetLayer: "feat", maxChannels: 5 }).compute(x, { targets: [1, 0, 1] });
  const reference = new ScoreCAM(model, { targetLayer: "feat" }).compute(x, { targets: [1, 0, 1] });
  assertClose(all.raw.dataSync(), Array.from(reference.raw.dataSync()), "maxChannels >= C", 1e-6);
  [all, reference].forEach((r) => r.dispose());
  assert.throws(
    () => new ScoreCAM(model, { targetLayer: "feat", maxChannels: 0 }),
    /maxChannels must be a positive integer/,
  );
  x.dispose();
});
