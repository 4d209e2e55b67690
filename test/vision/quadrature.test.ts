import { test } from "node:test";
import assert from "node:assert/strict";
import { quadrature, INTEGRATION_METHODS } from "../../src/vision/quadrature";

test("every method's weights sum to 1 and its points lie in [0, 1]", () => {
  for (const method of INTEGRATION_METHODS) {
    const { alphas, weights } = quadrature(method, 7);
    assert.equal(alphas.length, 7);
    assert.ok(Math.abs(weights.reduce((a, b) => a + b) - 1) < 1e-12, method);
    assert.ok(
      alphas.every((a) => a >= 0 && a <= 1),
      method,
    );
  }
});

test("Gauss-Legendre with n points integrates α^k exactly up to k = 2n − 1", () => {
  for (const n of [1, 2, 5, 50]) {
    const { alphas, weights } = quadrature("gausslegendre", n);
    for (const k of [0, 1, 2 * n - 1]) {
      const sum = alphas.reduce((acc, a, i) => acc + weights[i] * a ** k, 0);
      assert.ok(Math.abs(sum - 1 / (k + 1)) < 1e-10, `n=${n} k=${k}: ${sum}`);
    }
  }
  // 2 points: α = 1/2 ∓ 1/(2√3), equal weights
  const two = quadrature("gausslegendre", 2);
  assert.ok(Math.abs(two.alphas[0] - (0.5 - 0.5 / Math.sqrt(3))) < 1e-12);
});

test("Riemann points follow captum's names and bad input is a clear error", () => {
  assert.deepEqual(quadrature("riemann_left", 4).alphas, [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(quadrature("riemann_right", 2).alphas, [0.5, 1]);
  assert.deepEqual(quadrature("riemann_middle", 2).alphas, [0.25, 0.75]);
  assert.deepEqual(quadrature("riemann_trapezoid", 3).weights, [0.25, 0.5, 0.25]);
  assert.throws(() => quadrature("riemann_left", 0), /steps must be a positive integer, got 0/);
  assert.throws(() => quadrature("riemann_trapezoid", 1), /at least 2 steps/);
});
