// pytorch-grad-cam's metrics on the hand-set model (cam-fixtures.ts), against answers computed here by hand:
// the imputation by a dense Gaussian elimination of the same equations, scores by the model's formula.
import { test } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import { GradCAM } from "../../src/vision/cam";
import {
  noisyLinearImputation,
  percentile,
  roadCombined,
  roadLeastRelevantFirst,
  roadMostRelevantFirst,
  roadMostRelevantFirstAverage,
} from "../../src/vision/cam/road";
import {
  arcc,
  camMultImageConfidenceChange,
  complexity,
  dropInConfidence,
  increaseInConfidence,
} from "../../src/vision/cam/metrics-confidence";
import { INPUTS, W, handModel, inputTensor } from "./cam-fixtures";

const relu = (v: number) => Math.max(v, 0);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const score = (x: number[], c: number) =>
  sum(x.map((v, p) => relu(v) * W[p][0][c] + relu(0.5 - v) * W[p][1][c]));
const topClass = (x: number[]) => (score(x, 1) > score(x, 0) ? 1 : 0);
/** Three CAMs with distinct values, so percentiles fall between pixels. */
const CAMS = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8].map((v) => v / 8),
  [8, 7, 6, 5, 4, 3, 2, 1, 0].map((v) => v / 8),
  [4, 0, 8, 1, 7, 2, 6, 3, 5].map((v) => v / 8),
];
const camTensor = () => tf.tensor3d(CAMS.flat(), [3, 3, 3]);

/** Each unknown pixel = Σ w·neighbour / Σ w over in-image neighbours: dense Gaussian elimination (3x3 image). */
function imputeByHand(x: number[], keep: boolean[]): number[] {
  const unknown = x.map((_, p) => p).filter((p) => !keep[p]);
  const n = unknown.length;
  const M = unknown.map(() => new Array(n + 1).fill(0));
  unknown.forEach((p, i) => {
    const [y0, x0] = [Math.floor(p / 3), p % 3];
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        if ((dy === 0 && dx === 0) || y0 + dy < 0 || y0 + dy > 2 || x0 + dx < 0 || x0 + dx > 2) continue;
        const w = dy !== 0 && dx !== 0 ? 1 / 12 : 1 / 6;
        const q = (y0 + dy) * 3 + x0 + dx;
        M[i][i] += w;
        if (keep[q]) M[i][n] += w * x[q];
        else M[i][unknown.indexOf(q)] -= w;
      }
    }
  });
  for (let i = 0; i < n; i++) {
    for (let r = i + 1; r < n; r++) {
      const f = M[r][i] / M[i][i];
      for (let c = i; c <= n; c++) M[r][c] -= f * M[i][c];
    }
  }
  const v = new Array(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    v[i] = (M[i][n] - sum(v.map((t, j) => (j > i ? M[i][j] * t : 0)))) / M[i][i];
  }
  const out = [...x];
  unknown.forEach((p, i) => (out[p] = v[i]));
  return out;
}

function close(actual: number[], expected: number[], what: string, tolerance = 1e-5): void {
  actual.forEach((a, i) =>
    assert.ok(Math.abs(a - expected[i]) < tolerance, `${what}[${i}]: ${a} vs ${expected[i]}`),
  );
}

test("noisy linear imputation: one centre pixel is the weighted mean of its 8 neighbours", () => {
  const x = [1, 2, 3, 4, 0, 6, 7, 8, 9];
  const keep = Uint8Array.from([1, 1, 1, 1, 0, 1, 1, 1, 1]);
  const out = noisyLinearImputation(Float32Array.from(x), keep, [3, 3, 1], { noise: 0 });
  const expected = (1 + 3 + 7 + 9) / 12 + (2 + 4 + 6 + 8) / 6;
  assert.ok(Math.abs(out[4] - expected) < 1e-5);
  // a corner: neighbours (0,1) and (1,0) weigh 1/6, (1,1) 1/12, normalised by their 5/12
  const corner = noisyLinearImputation(
    Float32Array.from(x),
    Uint8Array.from([0, 1, 1, 1, 1, 1, 1, 1, 1]),
    [3, 3, 1],
    {
      noise: 0,
    },
  );
  assert.ok(Math.abs(corner[0] - (2 / 6 + 4 / 6 + 0 / 12) / (5 / 12)) < 1e-5);
});

test("noisy linear imputation: several unknowns solve the coupled equations; noise is seeded", () => {
  const x = [0.3, 0.9, 0.1, 0.5, 0.7, 0.2, 0.8, 0.4, 0.6];
  const keep = [true, false, true, false, false, true, true, true, false];
  const out = noisyLinearImputation(Float32Array.from(x), Uint8Array.from(keep.map(Number)), [3, 3, 1], {
    noise: 0,
  });
  close(Array.from(out), imputeByHand(x, keep), "imputed");
  const a = noisyLinearImputation(Float32Array.from(x), Uint8Array.from(keep.map(Number)), [3, 3, 1], {
    seed: 3,
  });
  const b = noisyLinearImputation(Float32Array.from(x), Uint8Array.from(keep.map(Number)), [3, 3, 1], {
    seed: 3,
  });
  assert.deepEqual(a, b, "same seed, same noise");
  assert.ok(Math.abs(a[1] - out[1]) > 0 && Math.abs(a[1] - out[1]) < 0.05, "noise of about 0.01");
});

test("percentile interpolates linearly between order statistics, as numpy", () => {
  assert.equal(percentile([0, 10, 20, 30], 50), 15);
  assert.ok(Math.abs(percentile(CAMS[0], 80) - 0.8) < 1e-12);
});

test("confidence change, drop and increase: score(x·cam) − score(x) by hand", () => {
  const model = handModel();
  const x = inputTensor();
  const cams = camTensor();
  const before = tf.memory().numTensors;
  const change = camMultImageConfidenceChange(model, x, cams);
  const expected = INPUTS.map((x0, b) => {
    const c = topClass(x0);
    return (
      score(
        x0.map((v, p) => v * CAMS[b][p]),
        c,
      ) - score(x0, c)
    );
  });
  close(change, expected, "change", 1e-4);
  close(
    dropInConfidence(model, x, cams),
    expected.map((d) => Math.max(-d, 0)),
    "drop",
    1e-4,
  );
  assert.deepEqual(
    increaseInConfidence(model, x, cams),
    expected.map((d) => (d > 0 ? 1 : 0)),
  );
  close(
    camMultImageConfidenceChange(model, x, cams, { targets: [1, 1, 1] }),
    INPUTS.map(
      (x0, b) =>
        score(
          x0.map((v, p) => v * CAMS[b][p]),
          1,
        ) - score(x0, 1),
    ),
    "given targets",
    1e-4,
  );
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  tf.dispose([x, cams]);
});

/** ROAD by hand: keep pixels with (order-adjusted) cam below the percentile, impute the rest, score change. */
function roadByHand(order: "most" | "least", q: number): number[] {
  return INPUTS.map((x0, b) => {
    const cam = CAMS[b].map((v) => (order === "most" ? v : 1 - v));
    const sorted = [...cam].sort((u, v) => u - v);
    const pos = (q / 100) * 8;
    const lo = Math.floor(pos);
    const threshold = sorted[lo] + (pos - lo) * ((sorted[lo + 1] ?? sorted[lo]) - sorted[lo]);
    const imputed = imputeByHand(
      x0,
      cam.map((v) => v < threshold),
    );
    const c = topClass(x0);
    return score(imputed, c) - score(x0, c);
  });
}

test("ROAD most / least relevant first, averaged and combined, against the hand imputation", () => {
  const model = handModel();
  const x = inputTensor();
  const cams = camTensor();
  const before = tf.memory().numTensors;
  close(roadMostRelevantFirst(model, x, cams, { noise: 0 }), roadByHand("most", 80), "MoRF 80", 1e-4);
  close(roadLeastRelevantFirst(model, x, cams, { noise: 0 }), roadByHand("least", 20), "LeRF 20", 1e-4);
  const ps = [10, 30, 50, 70, 90];
  const morf = ps.map((q) => roadByHand("most", q));
  const lerf = ps.map((q) => roadByHand("least", q));
  const avg = (rows: number[][]) => rows[0].map((_, b) => sum(rows.map((r) => r[b])) / rows.length);
  close(
    roadMostRelevantFirstAverage(model, x, cams, { noise: 0, percentiles: ps }),
    avg(morf),
    "MoRF avg",
    1e-4,
  );
  const combined = avg(lerf).map((l, b) => (l - avg(morf)[b]) / 2);
  close(roadCombined(model, x, cams, { noise: 0, percentiles: ps }), combined, "combined", 1e-4);
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  assert.throws(
    () => roadCombined(model, x, tf.zeros([3, 2, 2]) as tf.Tensor3D),
    /ROAD needs CAMs \[3, 3, 3\] matching the images, got \[3,2,2\]/,
  );
  tf.dispose([x, cams]);
});

test("ARCC: complexity, coherency (GradCAM on x·cam) and ROAD, combined harmonically", () => {
  const model = handModel();
  const x = inputTensor();
  const cams = camTensor();
  const method = new GradCAM(model, { targetLayer: "feat" });
  const scores = arcc(method, x, cams, { noise: 0 });
  const simple = CAMS.map((c) => sum(c) / 9);
  close(complexity(cams), simple, "complexity");
  close(scores.complexity, simple, "complexity in arcc");
  const classes = INPUTS.map(topClass);
  const coherent = INPUTS.map((x0, b) => {
    const masked = x0.map((v, p) => v * CAMS[b][p]);
    // GradCAM on the hand model: weights mean(W[·,k,c]), map Σ_k w_k A_k, then ReLU and min-max twice
    const w = [0, 1].map((k) => sum(W.map((row) => row[k][classes[b]])) / 9);
    const map = masked.map((v) => relu(v) * w[0] + relu(0.5 - v) * w[1]).map(relu);
    const lo = Math.min(...map);
    const hi = Math.max(...map.map((v) => v - lo));
    let m = map.map((v) => (v - lo) / (hi + 1e-7));
    const hi2 = Math.max(...m);
    m = m.map((v) => v / (hi2 + 1e-7));
    const mean = (a: number[]) => sum(a) / a.length;
    const [ma, mb] = [mean(m), mean(CAMS[b])];
    const cov = sum(m.map((v, p) => (v - ma) * (CAMS[b][p] - mb))) / 8;
    const sa = Math.sqrt(sum(m.map((v) => (v - ma) ** 2)) / 8);
    const sb = Math.sqrt(sum(CAMS[b].map((v) => (v - mb) ** 2)) / 8);
    return (cov / (sa * sb + 1e-8) + 1) / 2;
  });
  close(scores.coherency, coherent, "coherency", 1e-4);
  const ps = [20, 40, 60, 80];
  const avg = (order: "most" | "least") =>
    INPUTS.map((_, b) => sum(ps.map((q) => roadByHand(order, q)[b])) / ps.length);
  const road = avg("least").map((l, b) => Math.min(Math.max(l - avg("most")[b], 0), 1));
  close(scores.road, road, "road", 1e-4);
  close(
    scores.arcc,
    road.map((r, b) => 3 / (1 / (coherent[b] + 1e-8) + 1 / (1 - simple[b] + 1e-8) + 1 / (r + 1e-8))),
    "arcc",
    1e-3,
  );
  tf.dispose([x, cams]);
});
