// First-principal-component projection of per-image [h,w,C] values (pytorch-grad-cam's get_2d_projection), shared
// by Eigen-CAM and by every method's eigenSmooth: the top eigenvector of the smaller Gram matrix (positions or
// channels), in float64 on the host with ml-matrix; the same component as an SVD, at a fraction of the cost.
import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { tf } from "../../backend";

/**
 * First-principal-component projection of each image's [h,w,C] values. The sign of a singular vector is arbitrary
 * (pytorch-grad-cam keeps whatever LAPACK returns, so its maps can come out inverted); here v₁ is oriented so that
 * Σ_k v₁k > 0, i.e. the map correlates positively with the channel sum; if that sum is ~0, so that the map's
 * largest-magnitude value is positive.
 */
export function firstComponentProjection(values: tf.Tensor4D): tf.Tensor3D {
  const [batch, height, width, channels] = values.shape;
  const data = values.dataSync();
  const out = new Float32Array(batch * height * width);
  const rows = height * width;
  for (let b = 0; b < batch; b++) {
    const m = centred(data, b * rows * channels, rows, channels);
    const { v, projection } =
      rows <= channels ? viaRowGram(m, rows, channels) : viaChannelGram(m, rows, channels);
    const sign = orientation(v, projection);
    for (let r = 0; r < rows; r++) out[b * rows + r] = sign * projection[r];
  }
  return tf.tensor3d(out, [batch, height, width]);
}

/** One image's values as a row-major rows × channels Float64Array, NaN → 0, each channel's mean removed. */
function centred(data: ArrayLike<number>, offset: number, rows: number, channels: number): Float64Array {
  const m = new Float64Array(rows * channels);
  const mean = new Float64Array(channels);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < channels; k++) {
      const v = data[offset + r * channels + k];
      m[r * channels + k] = Number.isNaN(v) ? 0 : v;
      mean[k] += m[r * channels + k] / rows;
    }
  }
  for (let r = 0; r < rows; r++) for (let k = 0; k < channels; k++) m[r * channels + k] -= mean[k];
  return m;
}

/** The top eigenpair of a symmetric matrix (ml-matrix's EVD, eigenvalues ascending). */
function topEigen(gram: Matrix): { value: number; vector: number[] } {
  const evd = new EigenvalueDecomposition(gram, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  let top = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[top]) top = i;
  return { value: Math.max(values[top], 0), vector: evd.eigenvectorMatrix.getColumn(top) };
}

/**
 * Few positions, many channels (late layers: 7×7 × 512): the eigenvector u of M·Mᵀ gives the projection M·v₁ = σ·u
 * and v₁ = Mᵀu/σ, an (h·w)² problem instead of an SVD of h·w × C.
 */
function viaRowGram(m: Float64Array, rows: number, channels: number): { v: number[]; projection: number[] } {
  const gram = new Matrix(rows, rows);
  for (let i = 0; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      let s = 0;
      for (let k = 0; k < channels; k++) s += m[i * channels + k] * m[j * channels + k];
      gram.set(i, j, s);
      gram.set(j, i, s);
    }
  }
  const { value, vector: u } = topEigen(gram);
  const sigma = Math.sqrt(value);
  const v = Array.from({ length: channels }, (_, k) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += m[r * channels + k] * u[r];
    return sigma > 0 ? s / sigma : 0;
  });
  return { v, projection: u.map((x) => x * sigma) };
}

/** Many positions, few channels: v₁ is the top eigenvector of Mᵀ·M (C × C); the projection is M·v₁. */
function viaChannelGram(
  m: Float64Array,
  rows: number,
  channels: number,
): { v: number[]; projection: number[] } {
  const gram = new Matrix(channels, channels);
  for (let a = 0; a < channels; a++) {
    for (let b = a; b < channels; b++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += m[r * channels + a] * m[r * channels + b];
      gram.set(a, b, s);
      gram.set(b, a, s);
    }
  }
  const { vector: v } = topEigen(gram);
  const projection = Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let k = 0; k < channels; k++) s += m[r * channels + k] * v[k];
    return s;
  });
  return { v, projection };
}

function orientation(v: number[], projection: number[]): 1 | -1 {
  const total = v.reduce((s, x) => s + x, 0);
  if (Math.abs(total) > 1e-6) return total > 0 ? 1 : -1;
  const peak = projection.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  return peak < 0 ? -1 : 1;
}
