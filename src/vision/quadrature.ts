// Points and weights on [0, 1] for Integrated Gradients' path integral, with captum's method names.
export type IntegrationMethod =
  "gausslegendre" | "riemann_left" | "riemann_right" | "riemann_middle" | "riemann_trapezoid";

export const INTEGRATION_METHODS: IntegrationMethod[] = [
  "gausslegendre",
  "riemann_left",
  "riemann_right",
  "riemann_middle",
  "riemann_trapezoid",
];

export interface Quadrature {
  alphas: number[];
  weights: number[];
}

/** Legendre polynomial P_n(x) and its derivative, by the three-term recurrence. */
function legendre(n: number, x: number): { p: number; dp: number } {
  let previous = 1;
  let p = x;
  for (let k = 2; k <= n; k++) [previous, p] = [p, ((2 * k - 1) * x * p - (k - 1) * previous) / k];
  return { p, dp: (n * (x * p - previous)) / (x * x - 1) };
}

/** Gauss-Legendre nodes and weights on [-1, 1]: roots of P_n by Newton's method from Chebyshev-like guesses. */
function gaussLegendre(n: number): Quadrature {
  if (n === 1) return { alphas: [0.5], weights: [1] };
  const alphas: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    for (let iteration = 0; iteration < 100; iteration++) {
      const { p, dp } = legendre(n, x);
      const step = p / dp;
      x -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    const { dp } = legendre(n, x);
    // mapped from [-1, 1] to [0, 1]: α = (x + 1) / 2, weight halves
    alphas.push((x + 1) / 2);
    weights.push(1 / ((1 - x * x) * dp * dp));
  }
  return { alphas: alphas.reverse(), weights: weights.reverse() };
}

/** `steps` points on [0, 1] and weights summing to 1, for ∫₀¹ g(α) dα ≈ Σ w_i g(α_i). */
export function quadrature(method: IntegrationMethod, steps: number): Quadrature {
  if (!Number.isInteger(steps) || steps < 1)
    throw new RangeError(`steps must be a positive integer, got ${steps}`);
  const n = steps;
  switch (method) {
    case "gausslegendre":
      return gaussLegendre(n);
    case "riemann_left":
      return { alphas: Array.from({ length: n }, (_, i) => i / n), weights: new Array(n).fill(1 / n) };
    case "riemann_right":
      return { alphas: Array.from({ length: n }, (_, i) => (i + 1) / n), weights: new Array(n).fill(1 / n) };
    case "riemann_middle":
      return {
        alphas: Array.from({ length: n }, (_, i) => (i + 0.5) / n),
        weights: new Array(n).fill(1 / n),
      };
    case "riemann_trapezoid": {
      if (n < 2) throw new RangeError("riemann_trapezoid needs at least 2 steps");
      const alphas = Array.from({ length: n }, (_, i) => i / (n - 1));
      const weights = alphas.map((_, i) => (i === 0 || i === n - 1 ? 0.5 : 1) / (n - 1));
      return { alphas, weights };
    }
    default:
      throw new RangeError(
        `unknown integration method "${method}"; expected one of ${INTEGRATION_METHODS.join(", ")}`,
      );
  }
}
