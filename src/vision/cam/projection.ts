// First-principal-component projection of per-image [h,w,C] values (pytorch-grad-cam's get_2d_projection), shared
// by Eigen-CAM and by every method's eigenSmooth. SVD by ml-matrix, on the host.
import { Matrix, SVD } from "ml-matrix";
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
    const m = new Matrix(rows, channels);
    for (let r = 0; r < rows; r++) {
      for (let k = 0; k < channels; k++) {
        const v = data[(b * rows + r) * channels + k];
        m.set(r, k, Number.isNaN(v) ? 0 : v);
      }
    }
    m.subRowVector(m.mean("column"));
    const v = new SVD(m, {
      computeLeftSingularVectors: false,
      autoTranspose: true,
    }).rightSingularVectors.getColumn(0);
    const projection = m.mmul(Matrix.columnVector(v)).to1DArray();
    const sign = orientation(v, projection);
    for (let r = 0; r < rows; r++) out[b * rows + r] = sign * projection[r];
  }
  return tf.tensor3d(out, [batch, height, width]);
}

function orientation(v: number[], projection: number[]): 1 | -1 {
  const total = v.reduce((s, x) => s + x, 0);
  if (Math.abs(total) > 1e-6) return total > 0 ? 1 : -1;
  const peak = projection.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0);
  return peak < 0 ? -1 : 1;
}
