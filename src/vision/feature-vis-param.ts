// Image parameterisations for activation maximisation, after lucent (cam.md §12):
// - "pixel": the image itself (N(0, 0.01²) start);
// - "fft": a spectrum scaled by 1 / max(f, 1/max(h, w)) (decay power 1), so every frequency gets a similar
//   gradient and high-frequency noise does not win; the image is the real part of its orthonormal inverse 2-D DFT,
//   divided by 4 (lucent's constant). The inverse DFT is done with cos/sin matrix products rather than tf.spectral
//   (whose gradients and wasm kernels are missing), so it differentiates on every backend;
// - decorrelated colour (3 channels): channels mixed by the square root of ImageNet's colour correlation
//   (lucent's matrix, scaled by its largest column norm), then a sigmoid maps everything into [0, 1].
import { tf } from "../backend";
import { tfjsSeed } from "../data/seeded-random";

export type Parameterization = "pixel" | "fft";

// lucent color.py: color_correlation_svd_sqrt
const COLOR_CORRELATION = [
  [0.26, 0.09, 0.02],
  [0.27, 0.0, -0.05],
  [0.27, -0.09, 0.03],
];
const FFT_MAGIC = 4;

/** Signed frequencies in cycles per sample, numpy.fft.fftfreq(n). */
export function fftFrequencies(n: number): number[] {
  return Array.from({ length: n }, (_, k) => (k < Math.ceil(n / 2) ? k : k - n) / n);
}

/** 1 / max(|f|, 1 / max(h, w)) for every spectrum position [h, w]. */
function spectrumScale(h: number, w: number): tf.Tensor2D {
  const fy = fftFrequencies(h);
  const fx = fftFrequencies(w);
  const floor = 1 / Math.max(h, w);
  const values = fy.flatMap((y) => fx.map((x) => 1 / Math.max(Math.hypot(x, y), floor)));
  return tf.tensor2d(values, [h, w]);
}

/** cos and sin of 2π·j·k/n, [n, n] each. */
function dftMatrices(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const angle = (j: number, k: number) => (2 * Math.PI * ((j * k) % n)) / n;
  const cos = Array.from({ length: n * n }, (_, i) => Math.cos(angle(Math.floor(i / n), i % n)));
  const sin = Array.from({ length: n * n }, (_, i) => Math.sin(angle(Math.floor(i / n), i % n)));
  return { cos: tf.tensor2d(cos, [n, n]), sin: tf.tensor2d(sin, [n, n]) };
}

/** A @ S for A [h, h] and a stack S [n, h, w]. */
function leftMul(a: tf.Tensor2D, s: tf.Tensor3D): tf.Tensor3D {
  const [n, h, w] = s.shape;
  const flat = s.transpose([1, 0, 2]).reshape([h, n * w]);
  return tf.matMul(a, flat).reshape([h, n, w]).transpose([1, 0, 2]) as tf.Tensor3D;
}

/** S @ B for a stack S [n, h, w] and B [w, w]. */
function rightMul(s: tf.Tensor3D, b: tf.Tensor2D): tf.Tensor3D {
  const [n, h, w] = s.shape;
  return tf.matMul(s.reshape([n * h, w]), b).reshape([n, h, w]) as tf.Tensor3D;
}

/** The constant matrices of one image size, made once per optimisation. */
export class InverseDft {
  private readonly rows: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  private readonly cols: { cos: tf.Tensor2D; sin: tf.Tensor2D };
  private readonly norm: number;

  constructor(
    readonly height: number,
    readonly width: number,
  ) {
    this.rows = dftMatrices(height);
    this.cols = dftMatrices(width);
    this.norm = 1 / Math.sqrt(height * width);
  }

  /** Real part of the orthonormal inverse 2-D DFT of re + i·im, both [n, h, w]. */
  apply(re: tf.Tensor3D, im: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      // x = C_h (Re C_w − Im S_w) − S_h (Re S_w + Im C_w), with C/S the cos/sin matrices (symmetric)
      const p = tf.sub(rightMul(re, this.cols.cos), rightMul(im, this.cols.sin)) as tf.Tensor3D;
      const q = tf.add(rightMul(re, this.cols.sin), rightMul(im, this.cols.cos)) as tf.Tensor3D;
      return tf.sub(leftMul(this.rows.cos, p), leftMul(this.rows.sin, q)).mul(this.norm) as tf.Tensor3D;
    });
  }

  dispose(): void {
    tf.dispose([this.rows.cos, this.rows.sin, this.cols.cos, this.cols.sin]);
  }
}

export interface ImageParamOptions {
  batch: number;
  height: number;
  width: number;
  channels: number;
  parameterization: Parameterization;
  decorrelate: boolean;
  seed: number;
}

/** Trainable parameters and the function from them to images [B, H, W, C] in [0, 1]. */
export class ImageParam {
  readonly variables: tf.Variable[];
  private readonly scale?: tf.Tensor2D;
  private readonly dft?: InverseDft;
  private readonly colour?: tf.Tensor2D;

  constructor(private readonly o: ImageParamOptions) {
    if (o.decorrelate && o.channels !== 3) {
      throw new RangeError(`decorrelated colour needs 3 input channels; the model takes ${o.channels}`);
    }
    // tidy frees the initial values; the variables outlive it
    const init = (shape: number[], seed: number) =>
      tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, 0.01, "float32", tfjsSeed(seed))));
    if (o.parameterization === "fft") {
      const shape = [o.batch * o.channels, o.height, o.width];
      this.variables = [init(shape, o.seed), init(shape, o.seed + 1)];
      this.scale = spectrumScale(o.height, o.width);
      this.dft = new InverseDft(o.height, o.width);
    } else if (o.parameterization === "pixel") {
      this.variables = [init([o.batch, o.height, o.width, o.channels], o.seed)];
    } else {
      throw new RangeError(`parameterization must be "pixel" or "fft", got "${o.parameterization}"`);
    }
    if (o.decorrelate) {
      const m = COLOR_CORRELATION;
      const maxNorm = Math.max(...[0, 1, 2].map((j) => Math.hypot(m[0][j], m[1][j], m[2][j])));
      // rgb = x · Mᵀ / maxNorm, as lucent's matmul(t, M.T)
      this.colour = tf.tidy(() => tf.tensor2d(m.flat(), [3, 3]).transpose().div(maxNorm) as tf.Tensor2D);
    }
  }

  /** The images [B, H, W, C] in [0, 1]. */
  images(): tf.Tensor4D {
    const { batch, height, width, channels } = this.o;
    return tf.tidy(() => {
      let x: tf.Tensor4D;
      if (this.dft && this.scale) {
        const [re, im] = this.variables.map((v) => tf.mul(v, this.scale!) as tf.Tensor3D);
        const planes = this.dft.apply(re, im).div(FFT_MAGIC);
        x = planes.reshape([batch, channels, height, width]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
      } else {
        x = this.variables[0] as unknown as tf.Tensor4D;
      }
      if (this.colour) {
        x = tf.matMul(x.reshape([-1, 3]), this.colour).reshape([batch, height, width, 3]) as tf.Tensor4D;
      }
      return tf.sigmoid(x) as tf.Tensor4D;
    });
  }

  dispose(): void {
    tf.dispose([
      ...this.variables,
      ...(this.scale ? [this.scale] : []),
      ...(this.colour ? [this.colour] : []),
    ]);
    this.dft?.dispose();
  }
}
