// pytorch-grad-cam's model targets (utils/model_targets.py), camelCase: each scores ONE sample's output (no batch
// axis) as a scalar, so a list of them gives every image its own target. Outputs are channels-last as in tfjs:
// a segmentation sample is [H, W, classes]; a detector sample is [boxes, 6] rows (x0, y0, x1, y1, score, label).
import { tf } from "../../backend";
import type { CamTarget, ResolvedTargets } from "./targets";

function withCategory(fn: (output: tf.Tensor) => tf.Tensor, category: number): CamTarget {
  return Object.assign(fn, { category });
}

function checkCategory(category: number, what: string): void {
  if (!Number.isInteger(category) || category < 0) {
    throw new RangeError(`${what} needs a class index (a non-negative integer), got ${category}`);
  }
}

function classAt(row: tf.Tensor, category: number, what: string): tf.Tensor {
  const classes = row.shape[row.rank - 1];
  if (category >= classes) {
    throw new RangeError(`${what}(${category}): the output has ${classes} classes (0..${classes - 1})`);
  }
  return tf.sum(tf.mul(row, tf.oneHot([category], classes).reshape([classes])), -1);
}

/** The raw score (logit) of `category`: ClassifierOutputTarget. */
export function classifierOutputTarget(category: number): CamTarget {
  checkCategory(category, "classifierOutputTarget");
  return withCategory((row) => classAt(row, category, "classifierOutputTarget"), category);
}

/** softmax(output)[category]: ClassifierOutputSoftmaxTarget. */
export function classifierOutputSoftmaxTarget(category: number): CamTarget {
  checkCategory(category, "classifierOutputSoftmaxTarget");
  return withCategory((row) => classAt(tf.softmax(row), category, "classifierOutputSoftmaxTarget"), category);
}

/** output[category] − cross-entropy(output, category), i.e. 2·z_c − logsumexp(z): ClassifierOutputReST. */
export function classifierOutputReST(category: number): CamTarget {
  checkCategory(category, "classifierOutputReST");
  return withCategory(
    (row) => tf.sub(tf.mul(classAt(row, category, "classifierOutputReST"), 2), tf.logSumExp(row, -1)),
    category,
  );
}

/** A one-logit binary classifier: the logit for category 1, minus it for category 0 (BinaryClassifierOutputTarget). */
export function binaryClassifierOutputTarget(category: 0 | 1): CamTarget {
  if (category !== 0 && category !== 1) {
    throw new RangeError(`binaryClassifierOutputTarget needs category 0 or 1, got ${category}`);
  }
  return withCategory((row) => tf.sum(tf.mul(row, category === 1 ? 1 : -1)), category);
}

/**
 * Σ over the mask's pixels of the category's score (SemanticSegmentationTarget). The sample's output is
 * [H, W, classes]; `mask` is [H, W] (1 = pixel counts; any weights work).
 */
export function semanticSegmentationTarget(category: number, mask: tf.Tensor | number[][]): CamTarget {
  checkCategory(category, "semanticSegmentationTarget");
  const shape = mask instanceof tf.Tensor ? mask.shape : [mask.length];
  if (shape.length !== 2 && !(Array.isArray(mask) && mask.every((r) => Array.isArray(r)))) {
    throw new RangeError(`semanticSegmentationTarget needs a mask [height, width], got [${shape}]`);
  }
  // the target owns its copy of the mask for as long as it lives
  const values = tf.keep(mask instanceof tf.Tensor ? mask.toFloat() : tf.tensor2d(mask));
  return withCategory((row) => {
    if (row.rank !== 3 || row.shape[0] !== values.shape[0] || row.shape[1] !== values.shape[1]) {
      throw new RangeError(
        `semanticSegmentationTarget: the mask is [${values.shape}] but a sample's output is [${row.shape}]; ` +
          `expected [${values.shape}, classes]`,
      );
    }
    return tf.sum(tf.mul(classAt(row, category, "semanticSegmentationTarget"), values));
  }, category);
}

export interface BoxScoreTargetOptions {
  /** A detection matches a wanted box when their IoU exceeds this (default 0.5). */
  iouThreshold?: number;
}

/**
 * FasterRCNNBoxScoreTarget for a detector output of [boxes, 6] rows (x0, y0, x1, y1, score, label) per sample: for
 * each wanted box, the detection of largest IoU counts IoU + its score if that IoU exceeds the threshold and its
 * label matches; the target is the sum (0 when nothing matches).
 */
export function boxScoreTarget(
  labels: number[],
  boxes: [number, number, number, number][],
  options: BoxScoreTargetOptions = {},
): CamTarget {
  if (labels.length !== boxes.length) {
    throw new RangeError(`boxScoreTarget got ${labels.length} label(s) for ${boxes.length} box(es)`);
  }
  const threshold = options.iouThreshold ?? 0.5;
  return (row) => {
    if (row.rank !== 2 || (row.shape[1] ?? 0) < 6) {
      throw new RangeError(
        `boxScoreTarget needs a sample output of [boxes, 6] rows (x0, y0, x1, y1, score, label), got [${row.shape}]`,
      );
    }
    let total: tf.Tensor = tf.sum(tf.mul(row, 0));
    if (row.shape[0] === 0) return total;
    const found = tf.slice(row, [0, 0], [-1, 4]);
    const detectedLabels = tf.slice(row, [0, 5], [-1, 1]).dataSync();
    boxes.forEach((box, b) => {
      const ious = iou(tf.tensor1d(box), found);
      const values = ious.dataSync();
      let best = 0;
      for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
      if (values[best] > threshold && Math.round(detectedLabels[best]) === labels[b]) {
        const score = tf.slice(row, [best, 4], [1, 1]).reshape([]);
        total = tf.add(total, tf.add(tf.slice(ious, best, 1).reshape([]), score));
      }
    });
    return total;
  };
}

/** IoU of one box [4] against boxes [n, 4], all (x0, y0, x1, y1). */
function iou(box: tf.Tensor1D, boxes: tf.Tensor): tf.Tensor1D {
  const [x0, y0, x1, y1] = tf.unstack(boxes, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const [a0, b0, a1, b1] = tf.unstack(box) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const w = tf.relu(tf.sub(tf.minimum(x1, a1), tf.maximum(x0, a0)));
  const h = tf.relu(tf.sub(tf.minimum(y1, b1), tf.maximum(y0, b0)));
  const inter = tf.mul(w, h);
  const areaA = tf.mul(tf.sub(a1, a0), tf.sub(b1, b0));
  const areas = tf.mul(tf.sub(x1, x0), tf.sub(y1, y0));
  return tf.div(inter, tf.sub(tf.add(areas, areaA), inter)) as tf.Tensor1D;
}

/**
 * FinerWeightedTarget (Finer-CAM): Σ_j p_j·(z_main − α·z_j) / (Σ_j p_j + 1e-9) over the comparison classes j,
 * p = softmax(z).
 */
export function finerWeightedTarget(main: number, comparisons: number[], alpha: number): CamTarget {
  return withCategory((row) => {
    const p = tf.softmax(row);
    const zMain = classAt(row, main, "finerWeightedTarget");
    let numerator: tf.Tensor = tf.scalar(0);
    let denominator: tf.Tensor = tf.scalar(0);
    for (const j of comparisons) {
      const pj = classAt(p, j, "finerWeightedTarget");
      numerator = tf.add(
        numerator,
        tf.mul(pj, tf.sub(zMain, tf.mul(classAt(row, j, "finerWeightedTarget"), alpha))),
      );
      denominator = tf.add(denominator, pj);
    }
    return tf.div(numerator, tf.add(denominator, 1e-9));
  }, main);
}

/**
 * finerWeightedTarget for a whole batch at once (one softmax and a few products instead of per-sample slices): the
 * same score, Σ_j p_j·(z_main − α·z_j) / (Σ_j p_j + 1e-9), with `mains[s]` and `comparisons[s]` per sample s.
 */
export function finerWeightedRows(mains: number[], comparisons: number[][], alpha: number): ResolvedTargets {
  return {
    classes: mains,
    score: (out, samples) =>
      tf.tidy(() => {
        const classes = out.shape[1] ?? 0;
        const mask = samples.map((s) => {
          const row = new Array<number>(classes).fill(0);
          for (const j of comparisons[s]) row[j] += 1;
          return row;
        });
        const zMain = tf.sum(
          tf.mul(
            out,
            tf.oneHot(
              samples.map((s) => mains[s]),
              classes,
            ),
          ),
          1,
          true,
        );
        const weights = tf.mul(tf.softmax(out), tf.tensor2d(mask, [samples.length, classes]));
        const numerator = tf.sum(tf.mul(weights, tf.sub(zMain, tf.mul(out, alpha))), 1);
        return tf.div(numerator, tf.add(tf.sum(weights, 1), 1e-9)) as tf.Tensor1D;
      }),
  };
}
