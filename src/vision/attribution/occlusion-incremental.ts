// Runs occlusion windows through a plan (occlusion-plan.ts): per chunk of windows, the first segment on crops of
// the perturbed input, each further segment on crops of the previous cut's activation with the windows' changed
// regions pasted in, then the rest of the model on the whole pasted activation. Crops and pastes are one gather
// each, from the clean activation stacked on the computed crops' outputs.
import { tf } from "../../backend";
import { scoreRows, type Prepared } from "./common";
import type { Level } from "./occlusion-plan";

// nothing here is differentiated: a LayersModel's walked runs fold batch norms into convolutions
const FAST = { inferenceOnly: true };

/** Scores [rows] of windows `start … start + rows − 1` of sample `b` (indices past the list: window 0). */
export type ChunkScorer = (b: number, start: number, rows: number) => tf.Tensor1D;

/**
 * A scorer for the planned levels. `clean` holds, per sample, each level's activation on the clean input; it is
 * made on first use and released by `dispose`.
 */
export function incrementalScorer(
  p: Prepared,
  levels: Level[],
  windows: Int32Array[],
  base: tf.Tensor4D,
): { score: ChunkScorer; dispose(): void } {
  const [, , w, c] = p.x.shape;
  let clean: { sample: number; flat: tf.Tensor2D[] } | null = null;
  const cleanOf = (b: number) => {
    if (clean?.sample === b) return clean.flat;
    if (clean) tf.dispose(clean.flat);
    const flat = tf.tidy(() => {
      const xb = p.x.slice(b, 1);
      const capture = levels.map((l) => l.node);
      const captured = p.model.run([xb], { capture, capturesOnly: true, ...FAST }).captured;
      return captured.map((t) => t.reshape([-1, t.shape[3] as number]) as tf.Tensor2D);
    });
    clean = { sample: b, flat };
    return flat;
  };
  const score: ChunkScorer = (b, start, rows) => {
    const flat = cleanOf(b);
    const ids = Array.from({ length: rows }, (_, r) => (start + r < windows.length ? start + r : 0));
    return tf.tidy(() => {
      const xb = p.x.slice(b, 1);
      const baseB = base.shape[0] === 1 ? base : base.slice(b, 1);
      let input = perturbedCrops(xb, baseB, levels[0], ids, windows, [w, c]);
      for (let k = 0; k < levels.length; k++) {
        const options = k === 0 ? {} : { feed: { node: levels[k - 1].node, value: input } };
        const run = p.model.run(k === 0 ? [input] : [xb], {
          ...options,
          capture: [levels[k].node],
          capturesOnly: true,
          ...FAST,
        });
        const out = run.captured[0];
        const channels = out.shape[3] as number;
        const stacked = tf.concat([flat[k], out.reshape([-1, channels])]);
        const cropShape = [out.shape[1] as number, out.shape[2] as number];
        const next = levels[k + 1];
        const index = next
          ? pasteIndex(levels[k], cropShape, ids, next.crop, (r) => next.origins[ids[r]])
          : pasteIndex(levels[k], cropShape, ids, levels[k].outSize, () => [0, 0]);
        const size = next ? next.crop : levels[k].outSize;
        input = tf.gather(stacked, tf.tensor1d(index, "int32")).reshape([rows, size[0], size[1], channels]);
      }
      const last = levels[levels.length - 1].node;
      return scoreRows(p, xb, new Array<number>(rows).fill(b), {
        feed: { node: last, value: input },
        ...FAST,
      });
    });
  };
  return { score, dispose: () => clean && tf.dispose(clean.flat) };
}

/** The first level's crops of the input, each with its window set to the baseline. */
function perturbedCrops(
  xb: tf.Tensor,
  baseB: tf.Tensor,
  level: Level,
  ids: number[],
  windows: Int32Array[],
  [w, c]: number[],
): tf.Tensor4D {
  const [ch, cw] = level.crop;
  const mask = new Uint8Array(ids.length * ch * cw * c);
  ids.forEach((id, r) => {
    const [oy, ox] = level.origins[id];
    for (const e of windows[id]) {
      const y = Math.floor(e / (w * c)) - oy;
      const x = (Math.floor(e / c) % w) - ox;
      mask[((r * ch + y) * cw + x) * c + (e % c)] = 1;
    }
  });
  // one slice per window: a gather of [h·w, c] rows moves c floats per index, ~10× slower for an image
  const crops = (t: tf.Tensor) =>
    tf.concat(ids.map((id) => tf.slice(t, [0, ...level.origins[id], 0], [1, ch, cw, c])));
  const m = tf.tensor4d(mask, [ids.length, ch, cw, c], "bool");
  return tf.where(m, crops(baseB), crops(xb)) as tf.Tensor4D;
}

/**
 * Rows of [clean activation; computed crops] for an area of `size` at origin `originOf(r)` of the level's output:
 * a position the window changed comes from its crop's output, any other from the clean activation.
 */
function pasteIndex(
  level: Level,
  [oh, ow]: number[],
  ids: number[],
  [sh, sw]: [number, number],
  originOf: (r: number) => [number, number],
): Int32Array {
  const [, width] = level.outSize;
  const cleanRows = level.outSize[0] * width;
  const index = new Int32Array(ids.length * sh * sw);
  ids.forEach((id, r) => {
    const [[y0, y1], [x0, x1]] = level.affected[id];
    const [oy, ox] = originOf(r);
    const shift = [level.origins[id][0] / level.stride[0], level.origins[id][1] / level.stride[1]];
    for (let y = 0; y < sh; y++) {
      for (let x = 0; x < sw; x++) {
        const [fy, fx] = [oy + y, ox + x];
        const changed = fy >= y0 && fy <= y1 && fx >= x0 && fx <= x1;
        index[(r * sh + y) * sw + x] = changed
          ? cleanRows + (r * oh + fy - shift[0]) * ow + fx - shift[1]
          : fy * width + fx;
      }
    }
  });
  return index;
}
