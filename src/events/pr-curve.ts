// Precision-recall curves as TensorBoard's pr_curves plugin stores them (and PyTorch's add_pr_curve computes
// them): at thresholds i / (n - 1), i = 0..n-1, the (weighted) true/false positive/negative counts of the
// predictions at or above the threshold, with precision and recall; written as a float tensor [6, n].

export interface PrCurve {
  /** The n thresholds, i / (n - 1). Every other array has one entry per threshold. */
  thresholds: number[];
  truePositives: number[];
  falsePositives: number[];
  trueNegatives: number[];
  falseNegatives: number[];
  precision: number[];
  recall: number[];
}

/** The tensor's rows, in their stored order. */
export const PR_CURVE_ROWS = [
  "truePositives",
  "falsePositives",
  "trueNegatives",
  "falseNegatives",
  "precision",
  "recall",
] as const;

export type PrCurveCounts = Pick<PrCurve, (typeof PR_CURVE_ROWS)[number]>;

/** TensorBoard's floor for a denominator, so that an empty bucket gives precision/recall 0, not NaN. */
const MINIMUM_COUNT = 1e-7;
/** Far more than a curve needs; a bound so that a typo cannot allocate gigabytes. */
const MAX_THRESHOLDS = 10_000;

const thresholdsOf = (n: number): number[] => Array.from({ length: n }, (_, i) => i / (n - 1));

export function checkThresholdCount(n: unknown, method: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 2 || n > MAX_THRESHOLDS)
    throw new RangeError(`${method}: numThresholds must be an integer from 2 to ${MAX_THRESHOLDS}, got ${n}`);
  return n;
}

export type Labels = ArrayLike<number> | ArrayLike<boolean>;

function checkInputs(
  labels: Labels,
  predictions: ArrayLike<number>,
  weights: number | ArrayLike<number>,
  method: string,
): void {
  if (labels.length !== predictions.length)
    throw new RangeError(
      `${method}: labels and predictions differ in length (${labels.length} vs ${predictions.length})`,
    );
  if (typeof weights !== "number" && weights.length !== labels.length)
    throw new RangeError(`${method}: weights must be a number or one per label, got ${weights.length}`);
  for (let i = 0; i < labels.length; i++) {
    const weight = typeof weights === "number" ? weights : weights[i];
    if (!(weight >= 0 && weight < Infinity))
      throw new RangeError(`${method}: weights must be finite and >= 0, got ${weight}`);
    const label = Number(labels[i]);
    if (label !== 0 && label !== 1)
      throw new RangeError(`${method}: labels must be 0 or 1 (or booleans), got ${labels[i]} at ${i}`);
    if (!(predictions[i] >= 0 && predictions[i] <= 1))
      throw new RangeError(
        `${method}: predictions must be probabilities in [0, 1], got ${predictions[i]} at ${i}`,
      );
  }
}

/**
 * The curve of binary `labels` against `predictions` in [0, 1]: a prediction p counts as positive at every
 * threshold index up to floor(p · (n - 1)), so p = 1 is positive everywhere and p = 0 only at threshold 0.
 */
export function computePrCurve(
  labels: Labels,
  predictions: ArrayLike<number>,
  numThresholds: number,
  weights: number | ArrayLike<number> = 1,
  method = "computePrCurve",
): PrCurve {
  const n = checkThresholdCount(numThresholds, method);
  checkInputs(labels, predictions, weights, method);
  const positiveAt = new Float64Array(n);
  const negativeAt = new Float64Array(n);
  for (let i = 0; i < labels.length; i++) {
    const bucket = Math.floor(predictions[i] * (n - 1));
    const weight = typeof weights === "number" ? weights : weights[i];
    if (Number(labels[i]) === 1) positiveAt[bucket] += weight;
    else negativeAt[bucket] += weight;
  }
  // A prediction in bucket b is positive at thresholds 0..b: counts are sums from the top bucket down.
  const tp = new Array<number>(n);
  const fp = new Array<number>(n);
  for (let i = n - 1, tpSum = 0, fpSum = 0; i >= 0; i--) {
    tp[i] = tpSum += positiveAt[i];
    fp[i] = fpSum += negativeAt[i];
  }
  return {
    thresholds: thresholdsOf(n),
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: fp.map((f) => fp[0] - f),
    falseNegatives: tp.map((t) => tp[0] - t),
    precision: tp.map((t, i) => t / Math.max(MINIMUM_COUNT, t + fp[i])),
    recall: tp.map((t) => t / Math.max(MINIMUM_COUNT, tp[0])),
  };
}

/** A curve from the six rows of a stored [6, n] tensor, flattened row by row. */
export function prCurveFromRows(flat: ArrayLike<number>, n: number): PrCurve {
  const row = (r: number): number[] => Array.from({ length: n }, (_, i) => flat[r * n + i]);
  const curve = { thresholds: thresholdsOf(n) } as PrCurve;
  PR_CURVE_ROWS.forEach((name, r) => (curve[name] = row(r)));
  return curve;
}

/** Counts given by the caller (PyTorch's add_pr_curve_raw), checked to be six rows of one length. */
export function prCurveRowsOf(counts: PrCurveCounts, method: string): number[] {
  if (counts === null || typeof counts !== "object")
    throw new TypeError(`${method}: expected { ${PR_CURVE_ROWS.join(", ")} }, got ${String(counts)}`);
  const n = counts.truePositives?.length;
  checkThresholdCount(n, method);
  for (const name of PR_CURVE_ROWS) {
    const row = counts[name];
    if (!row || row.length !== n)
      throw new RangeError(`${method}: ${name} must have ${n} entries, like truePositives`);
  }
  return prCurveRows(counts);
}

/** The six rows flattened in their stored order, as the [6, n] tensor holds them. */
export function prCurveRows(counts: PrCurveCounts): number[] {
  return PR_CURVE_ROWS.flatMap((name) => Array.from(counts[name]));
}
