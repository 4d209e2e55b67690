// First-principal-component projection of per-image [h,w,C] values (pytorch-grad-cam's get_2d_projection), shared
// by Eigen-CAM and by every method's eigenSmooth: the top eigenvector of the smaller Gram matrix (positions or
// channels); the same component as an SVD, at a fraction of the cost. The centring and the Gram matrix run on
// the device (one batched product); only the small Gram matrices come to the host, where the top eigenpair is
// found in float64 (top-eigen.ts).
import { tf } from "../../backend";
import { topEigenPsd } from "./top-eigen";

/**
 * First-principal-component projection of each image's [h,w,C] values. The sign of a singular vector is arbitrary
 * (pytorch-grad-cam keeps whatever LAPACK returns, so its maps can come out inverted); here v₁ is oriented so that
 * Σ_k v₁k > 0, i.e. the map correlates positively with the channel sum; if that sum is ~0, so that the map's
 * largest-magnitude value is positive.
 */
export function firstComponentProjection(values: tf.Tensor4D): tf.Tensor3D {
  const [batch, height, width, channels] = values.shape;
  const rows = height * width;
  const centred = tf.tidy(() => {
    const m = tf.reshape(values, [batch, rows, channels]);
    const clean = tf.where(tf.isNaN(m), tf.zerosLike(m), m);
    return tf.sub(clean, tf.mean(clean, 1, true)) as tf.Tensor3D;
  });
  try {
    const out = rows <= channels ? viaRowGram(centred) : viaChannelGram(centred);
    return tf.tensor3d(out, [batch, height, width]);
  } finally {
    centred.dispose();
  }
}

/**
 * Few positions, many channels (late layers: 7×7 × 512): the top eigenpair (σ², u) of M·Mᵀ gives the projection
 * M·v₁ = σ·u, and v₁ = Mᵀu/σ, so Σ_k v₁k = (row sums of M)·u/σ: an (h·w)² problem instead of an SVD of h·w × C.
 */
function viaRowGram(centred: tf.Tensor3D): Float32Array {
  const [batch, rows] = centred.shape;
  const [gram, sums] = tf.tidy(() => [tf.matMul(centred, centred, false, true), tf.sum(centred, 2)]);
  const [g, s] = [gram.dataSync(), sums.dataSync()];
  tf.dispose([gram, sums]);
  const out = new Float32Array(batch * rows);
  for (let b = 0; b < batch; b++) {
    const { value, vector: u } = topEigenPsd(
      Float64Array.from(g.subarray(b * rows * rows, (b + 1) * rows * rows)),
      rows,
    );
    const sigma = Math.sqrt(value);
    const projection = u.map((x) => x * sigma);
    const total = sigma > 0 ? u.reduce((acc, x, r) => acc + x * s[b * rows + r], 0) / sigma : 0;
    const sign = orientation(total, projection);
    for (let r = 0; r < rows; r++) out[b * rows + r] = sign * projection[r];
  }
  return out;
}

/**
 * Many positions, few channels (early layers, small models): v₁ is the top eigenvector of Mᵀ·M (C × C) and the
 * projection is M·v₁, both in float64 on the host, so exactly tied values keep their order (the sign rule below
 * reads the largest |value| when Σ_k v₁k is ~0).
 */
function viaChannelGram(centred: tf.Tensor3D): Float32Array {
  const [batch, rows, channels] = centred.shape;
  const data = centred.dataSync();
  const out = new Float32Array(batch * rows);
  for (let b = 0; b < batch; b++) {
    const m = Float64Array.from(data.subarray(b * rows * channels, (b + 1) * rows * channels));
    const gram = new Float64Array(channels * channels);
    for (let i = 0; i < channels; i++) {
      for (let j = i; j < channels; j++) {
        let s = 0;
        for (let r = 0; r < rows; r++) s += m[r * channels + i] * m[r * channels + j];
        gram[i * channels + j] = s;
        gram[j * channels + i] = s;
      }
    }
    const { vector: v } = topEigenPsd(gram, channels);
    const projection = Array.from({ length: rows }, (_, r) => {
      let s = 0;
      for (let k = 0; k < channels; k++) s += m[r * channels + k] * v[k];
      return s;
    });
    const sign = orientation(
      v.reduce((acc, x) => acc + x, 0),
      projection,
    );
    for (let r = 0; r < rows; r++) out[b * rows + r] = sign * projection[r];
  }
  return out;
}

/** +1 when Σ_k v₁k > 0; when that sum is ~0, +1 when the largest-magnitude value of the map is positive. */
function orientation(total: number, projection: number[]): 1 | -1 {
  if (Math.abs(total) > 1e-6) return total > 0 ? 1 : -1;
  const peak = projection.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  return peak < 0 ? -1 : 1;
}
