// Reduces a long series to about `buckets` display points by x-range buckets, keeping each bucket's last point
// and its min and max, so a spike that a sampler would drop still shows in the envelope. Non-finite values
// become gaps (null) at their bucket, so a NaN burst stays visible too.

export interface DisplayPoint {
  x: number;
  /** Index of the shown point in the series (the bucket's last, or where a gap starts). */
  at: number;
  /** The raw value (last finite one of the bucket), or null for a gap. */
  value: number | null;
  smoothed: number | null;
  /** Extremes of the finite raw values in the bucket (equal to value when nothing was reduced). */
  min: number | null;
  max: number | null;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function exactPoints(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  smoothed: ArrayLike<number>,
): DisplayPoint[] {
  return Array.from({ length: xs.length }, (_, i) => {
    const value = finiteOrNull(ys[i]);
    return {
      x: xs[i],
      at: i,
      value,
      smoothed: value === null ? null : finiteOrNull(smoothed[i]),
      min: value,
      max: value,
    };
  });
}

/** xs must be non-decreasing (steps or times in logging order). */
export function reduceForDisplay(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  smoothed: ArrayLike<number>,
  buckets: number,
): { points: DisplayPoint[]; reduced: boolean } {
  const n = xs.length;
  if (n <= buckets * 2) return { points: exactPoints(xs, ys, smoothed), reduced: false };
  const x0 = xs[0];
  const span = xs[n - 1] - x0 || 1;
  const points: DisplayPoint[] = [];
  let i = 0;
  while (i < n) {
    const bucket = Math.min(buckets - 1, Math.floor(((xs[i] - x0) / span) * buckets));
    let min = Infinity;
    let max = -Infinity;
    let last = -1;
    let sawGap = false;
    let j = i;
    for (; j < n && Math.min(buckets - 1, Math.floor(((xs[j] - x0) / span) * buckets)) === bucket; j++) {
      const y = ys[j];
      if (!Number.isFinite(y)) {
        sawGap = true;
        continue;
      }
      if (y < min) min = y;
      if (y > max) max = y;
      last = j;
    }
    if (last >= 0)
      points.push({
        x: xs[last],
        at: last,
        value: ys[last],
        smoothed: finiteOrNull(smoothed[last]),
        min,
        max,
      });
    if (sawGap) points.push({ x: xs[j - 1], at: j - 1, value: null, smoothed: null, min: null, max: null });
    i = j;
  }
  return { points, reduced: true };
}
