// The CAM methods beyond the first nine, their options (several layers, augSmooth, eigenSmooth) and
// pytorch-grad-cam's model targets, against maps worked out in plain arithmetic on the hand-set model
// (cam-fixtures.ts: A = [relu(x), relu(0.5 − x)], y_c = Σ A·W[·,·,c], so dy_c/dA = W[·,·,c]).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { tf } from "../../src/index";
import {
  CAM_METHODS,
  DeepFeatureFactorization,
  FEM,
  FinerCAM,
  FullGrad,
  GradCAM,
  GradCAMElementWise,
  KPCACAM,
  RandomCAM,
  RefineCAM,
  SegEigenCAM,
  ShapleyCAM,
  classifierOutputSoftmaxTarget,
  classifierOutputTarget,
  type CamConstructor,
} from "../../src/vision/cam";
import { INPUTS, W, handModel, inputTensor } from "./cam-fixtures";
import {
  P,
  activations,
  assertClose,
  channel,
  gradCam,
  gradient,
  ks,
  minMax,
  normalised,
  projection,
  relu,
  score,
  sum,
  topClass,
  weighted,
} from "./cam-hand-oracle";

/** Runs a method on the three fixture inputs and checks raw and heatmap against the oracle, with no leaks. */
function check(
  name: string,
  make: (model: tf.LayersModel) => { compute: tf.LayersModel["predict"] } | InstanceType<CamConstructor>,
  oracle: (x: number[], c: number) => number[],
  options: { targets?: number[]; tolerance?: number; heatmapOnly?: boolean; samples?: number[] } = {},
): void {
  test(name, () => {
    const model = handModel();
    const method = make(model) as InstanceType<CamConstructor>;
    const x = inputTensor();
    const before = tf.memory().numTensors;
    const result = method.compute(x, { targets: options.targets });
    const classes = options.targets ?? INPUTS.map(topClass);
    const raw = result.raw.arraySync().map((m) => m.flat());
    const heat = result.heatmap.arraySync().map((m) => m.flat());
    INPUTS.forEach((x0, b) => {
      if (options.samples && !options.samples.includes(b)) return;
      const expected = oracle(x0, classes[b]);
      if (!options.heatmapOnly) assertClose(raw[b], expected, `${name} raw ${b}`, options.tolerance);
      assertClose(heat[b], normalised(expected), `${name} heatmap ${b}`, options.tolerance);
    });
    result.dispose();
    assert.equal(tf.memory().numTensors, before, "no tensor leaks");
    x.dispose();
  });
}

describe("new methods match hand-computed maps", () => {
  for (const targets of [undefined, [1, 0, 1]]) {
    const t = targets ? " (targets 1,0,1)" : "";
    check(
      `GradCAMElementWise${t}`,
      (m) => new GradCAMElementWise(m, { targetLayer: "feat" }),
      (x, c) =>
        activations(x).map((row, p) => relu(row[0] * gradient(c)[p][0]) + relu(row[1] * gradient(c)[p][1])),
      { targets },
    );
    // the model is linear after the layer: the Hessian term vanishes and Shapley-CAM is Grad-CAM
    check(
      `ShapleyCAM${t}`,
      (m) => new ShapleyCAM(m, { targetLayer: "feat" }),
      (x, c) => gradCam(x, gradient(c)),
      {
        targets,
      },
    );
    check(
      `SegEigenCAM${t}`,
      (m) => new SegEigenCAM(m, { targetLayer: "feat" }),
      (x, c) => {
        const map = projection(
          activations(x).map((row, p) => row.map((a, k) => a * Math.abs(gradient(c)[p][k]))),
        );
        return Math.abs(Math.min(...map)) > Math.abs(Math.max(...map)) ? map.map((v) => -v) : map;
      },
      { targets },
    );
  }
  for (const k of [2, 0.8]) {
    check(
      `FEM k=${k}`,
      (m) => new FEM(m, { targetLayer: "feat", k }),
      (x) => {
        const A = activations(x);
        const w = ks.map((ch) => {
          const a = channel(A, ch);
          const mean = sum(a) / P;
          const std = Math.sqrt(sum(a.map((v) => (v - mean) ** 2)) / P);
          return a.filter((v) => v > mean + k * std).length / P;
        });
        return weighted(A, w);
      },
      { samples: [0, 1] },
    ); // sample 2 has A₀ + A₁ = 0.5 everywhere: equal weights give a flat map, min-max of noise
  }
  // With a linear kernel, kernel PCA is PCA: the projection on the first component, largest |value| positive.
  check(
    "KPCACAM, linear kernel",
    (m) => new KPCACAM(m, { targetLayer: "feat", kernel: "linear" }),
    (x) => {
      const map = projection(activations(x));
      const peak = map.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      return peak < 0 ? map.map((v) => -v) : map;
    },
    { tolerance: 1e-3, samples: [0, 1] },
  ); // sample 2's largest |value| is a tie of +0.28 and −0.28: either sign
  check(
    "KPCACAM, sigmoid kernel (power iteration)",
    (m) => new KPCACAM(m, { targetLayer: "feat", gamma: 0.7 }),
    (x) => kernelPca(activations(x), (a, b) => Math.tanh(0.7 * (a[0] * b[0] + a[1] * b[1]) + 1)),
    { tolerance: 1e-3 },
  );
  check(
    "FinerCAM: the top class against the other, α = 0.5",
    (m) => new FinerCAM(m, { targetLayer: "feat", alpha: 0.5 }),
    (x, c) =>
      gradCam(
        x,
        gradient(c).map((row, p) => row.map((g, k) => g - 0.5 * gradient(1 - c)[p][k])),
      ),
  );
  check(
    "RefineCAM over the same layer twice: the square of the min-maxed map",
    (m) => new RefineCAM(m, { targetLayer: ["feat", "feat"], baseMethod: GradCAM }),
    (x, c) => minMax(gradCam(x, gradient(c)).map(relu)).map((v) => v * v),
  );
  check(
    "GradCAM over two target layers (the same one twice) is the mean of their scaled maps",
    (m) => new GradCAM(m, { targetLayer: ["feat", "feat"] }),
    (x, c) => minMax(gradCam(x, gradient(c)).map(relu)),
  );
  check(
    "GradCAM with eigenSmooth: the first component of w_k·A_k",
    (m) =>
      ({
        compute: (x: tf.Tensor, o: { targets?: number[] }) =>
          new GradCAM(m, { targetLayer: "feat" }).compute(x, { ...o, eigenSmooth: true }),
      }) as never,
    (x, c) => {
      const w = ks.map((k) => sum(channel(gradient(c), k)) / P);
      return projection(activations(x).map((row) => row.map((a, k) => a * w[k])));
    },
  );
});

/** v·√λ of the double-centred kernel matrix's top eigenpair, by power iteration; largest |entry| positive. */
function kernelPca(A: number[][], kernel: (a: number[], b: number[]) => number): number[] {
  const mean = ks.map((k) => sum(channel(A, k)) / P);
  const X = A.map((row) => row.map((v, k) => v - mean[k]));
  const K = X.map((a) => X.map((b) => kernel(a, b)));
  const rows = K.map((r) => sum(r) / P);
  const all = sum(rows) / P;
  const Kc = K.map((r, i) => r.map((v, j) => v - rows[i] - rows[j] + all));
  let v = Array.from({ length: P }, (_, i) => 1 + i / 10);
  let lambda = 0;
  for (let it = 0; it < 2000; it++) {
    const next = Kc.map((r) => sum(r.map((kv, j) => kv * v[j])));
    lambda = Math.hypot(...next);
    v = next.map((t) => t / lambda);
  }
  const peak = v.reduce((best, t) => (Math.abs(t) > Math.abs(best) ? t : best), 0);
  return v.map((t) => (peak < 0 ? -1 : 1) * Math.sqrt(lambda) * t);
}

test("FullGrad: |x·∂y/∂x| plus each bias channel's |b·∂y/∂z|, min-maxed per channel", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const result = new FullGrad(model).compute(x);
  const bias = [0, 0.5];
  const raw = result.raw.arraySync().map((m) => m.flat());
  INPUTS.forEach((x0, b) => {
    const c = topClass(x0);
    const g = gradient(c);
    const z = x0.map((v) => [v, 0.5 - v]);
    const dz = z.map((row, p) => row.map((zv, k) => (zv > 0 ? g[p][k] : 0)));
    const dx = dz.map((row) => row[0] - row[1]);
    const scaleSum = (m: number[]) => {
      const lo = Math.min(...m);
      const hi = Math.max(...m.map((v) => v - lo));
      return m.map((v) => (v - lo) / (hi + 1e-7));
    };
    const inputTerm = scaleSum(x0.map((v, p) => Math.abs(v * dx[p])));
    const biasTerms = ks.map((k) => scaleSum(dz.map((row) => Math.abs(bias[k] * row[k]))));
    assertClose(
      raw[b],
      inputTerm.map((v, p) => v + biasTerms[0][p] + biasTerms[1][p]),
      `FullGrad ${b}`,
    );
  });
  result.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("ShapleyCAM with a softmax target: ½·Hessian·A from finite differences of the gradient", () => {
  const model = handModel();
  const x = inputTensor();
  const targets = INPUTS.map((_, b) => classifierOutputSoftmaxTarget(b % 2));
  const result = new ShapleyCAM(model, { targetLayer: "feat" }).compute(x, { targets });
  assert.deepEqual(result.classes, [0, 1, 0]);
  const raw = result.raw.arraySync().map((m) => m.flat());
  INPUTS.forEach((x0, b) => {
    const c = b % 2;
    const A = activations(x0);
    const grad = (M: number[][]) => {
      const z = [0, 1].map((j) => score(M, j));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const p = e.map((v) => v / sum(e));
      // d p_c / dA = p_c Σ_j (δ_cj − p_j) W_j
      return M.map((row, pos) =>
        row.map((_, k) => p[c] * (W[pos][k][c] - (p[0] * W[pos][k][0] + p[1] * W[pos][k][1]))),
      );
    };
    const eps = 1e-4;
    const gPlus = grad(A.map((r) => r.map((v) => v * (1 + eps))));
    const gMinus = grad(A.map((r) => r.map((v) => v * (1 - eps))));
    const g = grad(A);
    const hvp = g.map((r, p) => r.map((_, k) => (gPlus[p][k] - gMinus[p][k]) / (2 * eps)));
    const w = ks.map((k) => sum(g.map((r, p) => r[k] - 0.5 * hvp[p][k])) / P);
    assertClose(raw[b], weighted(A, w), `ShapleyCAM softmax ${b}`, 1e-3);
  });
  result.dispose();
  x.dispose();
});

test("augSmooth: the six flipped / brightened maps, un-flipped and averaged", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, { augSmooth: true });
  const heat = result.heatmap.arraySync().map((m) => m.flat());
  const flip = (m: number[]) => m.map((_, p) => m[Math.floor(p / 3) * 3 + (2 - (p % 3))]);
  INPUTS.forEach((x0, b) => {
    const c = topClass(x0);
    const maps = [false, true].flatMap((f) =>
      [0.9, 1, 1.1].map((factor) => {
        const xa = (f ? flip(x0) : x0).map((v) => v * factor);
        const m = normalised(gradCam(xa, gradient(c)));
        return f ? flip(m) : m;
      }),
    );
    assertClose(
      heat[b],
      maps[0].map((_, p) => sum(maps.map((m) => m[p])) / 6),
      `augSmooth ${b}`,
    );
  });
  result.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensor leaks");
  x.dispose();
});

test("RandomCAM: seeded channel weights in [−1, 1]", () => {
  const model = handModel();
  const x = inputTensor();
  const maps = [0, 0, 1].map((seed) => {
    const r = new RandomCAM(model, { targetLayer: "feat", seed }).compute(x);
    const raw = r.raw.arraySync().map((m) => m.flat());
    r.dispose();
    return raw;
  });
  assert.deepEqual(maps[0], maps[1], "same seed, same maps");
  assert.notDeepEqual(maps[0], maps[2], "another seed, other maps");
  INPUTS.forEach((x0, b) => {
    const A = activations(x0);
    // solve raw = w0·A0 + w1·A1 on two positions, then check every position and |w| ≤ 1
    const [p, q] = [1, 7];
    const det = A[p][0] * A[q][1] - A[p][1] * A[q][0];
    const w0 = (maps[0][b][p] * A[q][1] - A[p][1] * maps[0][b][q]) / det;
    const w1 = (A[p][0] * maps[0][b][q] - maps[0][b][p] * A[q][0]) / det;
    assert.ok(Math.abs(w0) <= 1 && Math.abs(w1) <= 1, `weights ${w0}, ${w1}`);
    assertClose(maps[0][b], weighted(A, [w0, w1]), `RandomCAM ${b}`, 1e-3);
  });
  x.dispose();
});

test("per-sample targets: a class index, a logit target and a softmax target in one batch", () => {
  const model = handModel();
  const x = inputTensor();
  const targets = [classifierOutputTarget(1), classifierOutputSoftmaxTarget(0), 1];
  const result = new GradCAM(model, { targetLayer: "feat" }).compute(x, { targets });
  assert.deepEqual(result.classes, [1, 0, 1]);
  const raw = result.raw.arraySync().map((m) => m.flat());
  assertClose(raw[0], gradCam(INPUTS[0], gradient(1)), "logit target");
  assertClose(raw[2], gradCam(INPUTS[2], gradient(1)), "class index");
  const A = activations(INPUTS[1]);
  const z = [score(A, 0), score(A, 1)];
  const p0 = 1 / (1 + Math.exp(z[1] - z[0]));
  const g = gradient(0).map((row, p) => row.map((v, k) => p0 * (1 - p0) * (v - gradient(1)[p][k])));
  assertClose(raw[1], gradCam(INPUTS[1], g), "softmax target", 1e-3);
  const softmaxScore = result.scores[1];
  assert.ok(Math.abs(softmaxScore - p0) < 1e-5, `score is the probability ${p0}, got ${softmaxScore}`);
  result.dispose();
  x.dispose();
});

test("DeepFeatureFactorization: concepts × maps reconstruct the activations; a labelled picture", () => {
  const model = handModel();
  const x = inputTensor();
  const before = tf.memory().numTensors;
  const dff = new DeepFeatureFactorization(model, {
    targetLayer: "feat",
    components: 2,
    iterations: 500,
    classifier: (concepts) => tf.concat([concepts, tf.neg(concepts)], 1),
    labels: ["up", "down", "-up", "-down"],
  });
  const result = dff.compute(x);
  assert.deepEqual(result.concepts.shape, [2, 2]);
  assert.deepEqual(result.explanations.shape, [3, 2, 3, 3]);
  assert.equal(result.conceptLabels().length, 2);
  assert.match(result.conceptLabels()[0], /^(up|down|-up|-down) \d\.\d\d, /);
  assert.match(result.toString(), /2 concepts over 3 image\(s\)/);
  assert.ok(result.png().length > 500);
  const rgba = result.factorizationRgba(x.div(1), 0, 0.3);
  assert.equal(rgba.width, 3);
  result.dispose();
  assert.equal(tf.memory().numTensors, before + 1, "only the caller's x.div(1) remains");
  x.dispose();
});

test("DeepFeatureFactorization: a classifier node scores concepts as its kernel and bias do", () => {
  const input = tf.input({ shape: [4, 4, 1] });
  const feat = tf.layers
    .conv2d({ filters: 3, kernelSize: 1, activation: "relu", name: "feat", kernelInitializer: "ones" })
    .apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(feat) as tf.SymbolicTensor;
  const head = tf.layers.dense({ units: 2, name: "head", activation: "softmax" });
  const model = tf.model({ inputs: input, outputs: head.apply(pooled) as tf.SymbolicTensor });
  head.setWeights([tf.tensor2d([1, -1, 2, 0, -1, 3], [3, 2]), tf.tensor1d([0.5, -0.5])]);
  const x = tf.randomUniform([2, 4, 4, 1], 0, 1, "float32", 3);
  const [kernel, bias] = head.getWeights();
  const options = { targetLayer: "feat", components: 2, iterations: 50 };
  const byNode = new DeepFeatureFactorization(model, { ...options, classifier: "head" }).compute(x);
  const byHand = new DeepFeatureFactorization(model, {
    ...options,
    classifier: (concepts) => tf.add(tf.matMul(concepts, kernel), bias),
  }).compute(x);
  const scores = byNode.conceptScores as number[][];
  assert.equal(scores.length, 2);
  scores
    .flat()
    .forEach((v, i) => assert.ok(Math.abs(v - (byHand.conceptScores as number[][]).flat()[i]) < 1e-6));
  assert.throws(
    () => new DeepFeatureFactorization(model, { ...options, classifier: "feat" }),
    /the DFF classifier "feat" has no 2-D kernel/,
  );
  byNode.dispose();
  byHand.dispose();
  x.dispose();
});

test("every method in CAM_METHODS has an oracle test here or in cam-oracle.test.ts", () => {
  const covered = [
    ...["GradCAM", "GradCAMPlusPlus", "XGradCAM", "HiResCAM", "LayerCAM", "EigenCAM", "EigenGradCAM"],
    ...["ScoreCAM", "AblationCAM", "GradCAMElementWise", "FullGrad", "KPCACAM", "ShapleyCAM", "FinerCAM"],
    ...["FEM", "SegEigenCAM", "RandomCAM", "RefineCAM", "DeepFeatureFactorization"],
  ];
  assert.deepEqual(Object.keys(CAM_METHODS).sort(), covered.sort());
});
