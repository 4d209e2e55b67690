// The top eigenpair of a symmetric positive semi-definite matrix (a Gram matrix), in float64: repeated squaring of
// the trace-normalised matrix until it is (numerically) the rank-1 projector u·uᵀ, then two power steps on the
// matrix itself. Each squaring doubles the power: convergence is quadratic in the number of steps, (λ₂/λ₁)^(2^s),
// so a 49×49 Gram matrix takes a handful of n³/2 products — a fraction of a full eigendecomposition, same pair.

/** Row-major n×n product of a symmetric matrix with itself (symmetric again: the upper triangle is mirrored). */
function squareSymmetric(m: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = i; j < n; j++) {
      // M symmetric: column j is row j, read contiguously
      const rj = j * n;
      let s = 0;
      for (let k = 0; k < n; k++) s += m[ri + k] * m[rj + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

function trace(m: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += m[i * n + i];
  return t;
}

/** y = G·x, returning ‖y‖. */
function multiply(g: Float64Array, n: number, x: Float64Array, y: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += g[i * n + k] * x[k];
    y[i] = s;
    norm += s * s;
  }
  return Math.sqrt(norm);
}

/**
 * The largest eigenvalue of a symmetric PSD n×n matrix (row-major) and a unit eigenvector for it. A repeated top
 * eigenvalue gives some unit vector of its eigenspace (as any eigensolver would); a zero matrix gives 0 and e₀.
 */
export function topEigenPsd(gram: Float64Array, n: number): { value: number; vector: number[] } {
  const t = trace(gram, n);
  if (!(t > 0)) return { value: 0, vector: Array.from({ length: n }, (_, i) => (i === 0 ? 1 : 0)) };
  let m = gram.map((v) => v / t);
  for (let step = 0; step < 64; step++) {
    const squared = squareSymmetric(m, n);
    const t2 = trace(squared, n);
    if (!(t2 > 0)) break;
    m = squared.map((v) => v / t2);
    // trace(M²) = Σ μᵢ² with Σ μᵢ = 1: it reaches 1 when one eigenvalue holds all the weight
    if (t2 > 1 - 1e-15) break;
  }
  let best = 0;
  for (let i = 1; i < n; i++) if (m[i * n + i] > m[best * n + best]) best = i;
  let u = new Float64Array(n);
  let norm = 0;
  for (let i = 0; i < n; i++) norm += m[i * n + best] ** 2;
  for (let i = 0; i < n; i++) u[i] = m[i * n + best] / Math.sqrt(norm);
  // two power steps on G itself remove the squarings' rounding
  const next = new Float64Array(n);
  for (let step = 0; step < 2; step++) {
    const length = multiply(gram, n, u, next);
    if (!(length > 0)) break;
    u = next.map((v) => v / length);
  }
  const gu = new Float64Array(n);
  multiply(gram, n, u, gu);
  let value = 0;
  for (let i = 0; i < n; i++) value += u[i] * gu[i];
  return { value: Math.max(value, 0), vector: Array.from(u) };
}
