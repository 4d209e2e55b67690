// lucent's transformation robustness: each step, the images are padded, jittered, scaled and rotated at random
// (seeded) before the model sees them, so that the objective cannot rely on pixel-exact patterns. Every transform
// is differentiable: the optimiser's gradient flows back through it to the image parameters.
import { tf } from "../../backend";
import { randomInt } from "../../data/seeded-random";

/** A transform takes the batch and the seeded random source, and returns the transformed batch. */
export type Transform = (images: tf.Tensor4D, random: () => number) => tf.Tensor4D;

function pick<T>(values: T[], random: () => number): T {
  return values[Math.min(values.length - 1, Math.floor(random() * values.length))];
}

/** Pad every side by `width` pixels with a constant (lucent's pad, mode "constant", default 0.5). */
export function pad(width: number, value = 0.5): Transform {
  if (!Number.isInteger(width) || width < 0)
    throw new RangeError(`pad width must be a non-negative integer, got ${width}`);
  return (images) =>
    tf.pad(
      images,
      [
        [0, 0],
        [width, width],
        [width, width],
        [0, 0],
      ],
      value,
    ) as tf.Tensor4D;
}

/** Crop at a random offset of up to `d` pixels: the images shrink by d − 1 per side (lucent's jitter). */
export function jitter(d: number): Transform {
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`jitter must be a positive integer, got ${d}`);
  return (images, random) => {
    const [b, h, w, c] = images.shape;
    const dy = randomInt(random, 0, d - 1);
    const dx = randomInt(random, 0, d - 1);
    return tf.slice(images, [0, dy, dx, 0], [b, h - (d - 1), w - (d - 1), c]);
  };
}

/** Resize by a factor picked from `scales` (bilinear, lucent's random_scale). */
export function randomScale(scales: number[]): Transform {
  if (scales.length === 0 || scales.some((s) => !(s > 0)))
    throw new RangeError(`scales must be positive numbers, got [${scales}]`);
  return (images, random) => {
    const scale = pick(scales, random);
    const [, h, w] = images.shape;
    const size: [number, number] = [Math.max(1, Math.round(h * scale)), Math.max(1, Math.round(w * scale))];
    return tf.image.resizeBilinear(images, size, false, true);
  };
}

/**
 * Rotate by an angle (degrees) picked from `angles` about the centre, bilinear, uncovered corners 0.5. Built from
 * gathers (whose gradient tfjs has) rather than tf.image.rotateWithOffset (which has none).
 */
export function randomRotate(angles: number[]): Transform {
  if (angles.length === 0) throw new RangeError("randomRotate needs at least one angle");
  return (images, random) => {
    const angle = pick(angles, random);
    if (angle === 0) return images;
    return rotate(images, (angle * Math.PI) / 180);
  };
}

function rotate(images: tf.Tensor4D, theta: number): tf.Tensor4D {
  const [b, h, w, c] = images.shape;
  const [cy, cx] = [(h - 1) / 2, (w - 1) / 2];
  const corners: { index: Int32Array; weight: Float32Array }[] = [0, 1, 2, 3].map(() => ({
    index: new Int32Array(h * w),
    weight: new Float32Array(h * w),
  }));
  const outside = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // the source of output pixel (x, y): rotate back by −θ
      const sx = Math.cos(theta) * (x - cx) + Math.sin(theta) * (y - cy) + cx;
      const sy = -Math.sin(theta) * (x - cx) + Math.cos(theta) * (y - cy) + cy;
      const [x0, y0] = [Math.floor(sx), Math.floor(sy)];
      const [fx, fy] = [sx - x0, sy - y0];
      const p = y * w + x;
      const taps: [number, number, number][] = [
        [x0, y0, (1 - fx) * (1 - fy)],
        [x0 + 1, y0, fx * (1 - fy)],
        [x0, y0 + 1, (1 - fx) * fy],
        [x0 + 1, y0 + 1, fx * fy],
      ];
      taps.forEach(([tx, ty, weight], k) => {
        const inside = tx >= 0 && ty >= 0 && tx < w && ty < h;
        corners[k].index[p] = inside ? ty * w + tx : 0;
        corners[k].weight[p] = inside ? weight : 0;
        if (!inside) outside[p] += weight;
      });
    }
  }
  return tf.tidy(() => {
    const flat = images.reshape([b, h * w, c]);
    let out: tf.Tensor = tf.mul(tf.tensor3d(outside, [1, h * w, 1]), 0.5);
    for (const { index, weight } of corners) {
      const taken = tf.gather(flat, tf.tensor1d(index, "int32"), 1);
      out = tf.add(out, tf.mul(taken, tf.tensor3d(weight, [1, h * w, 1])));
    }
    return out.reshape([b, h, w, c]) as tf.Tensor4D;
  });
}

/** lucent's standard_transforms: pad 12, jitter 8, scale 0.9…1.1, rotate −10…10° (0 weighted ×6), jitter 4. */
export function standardTransforms(): Transform[] {
  return [
    pad(12),
    jitter(8),
    randomScale(Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50)),
    randomRotate([...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0]),
    jitter(4),
  ];
}

/** Applies transforms in order. */
export function compose(transforms: Transform[]): Transform {
  return (images, random) => transforms.reduce((x, t) => t(x, random), images);
}
