// Histograms as TensorBoard stores them (HistogramProto), binned exactly like PyTorch's add_histogram with its
// default bins="tensorflow": edges ±1e-12·1.1^k up to 1e20 and 0, only the span of non-empty buckets kept,
// one empty bucket on the left so the left edge is known (only right edges are stored).

export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  /** Right edge of each bucket; bucket i covers (bucketLimits[i-1], bucketLimits[i]]. */
  bucketLimits: number[];
  bucketCounts: number[];
}

function makeDefaultEdges(): Float64Array {
  const positive: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) positive.push(v);
  const edges = [...positive.map((v) => -v).reverse(), 0, ...positive];
  return Float64Array.from(edges);
}

/** The 1549 edges of TensorBoard's default histogram buckets. */
export const DEFAULT_EDGES = makeDefaultEdges();

/** Index of the bucket [edges[i], edges[i+1]) holding v, as numpy.histogram does; out-of-range values clamp. */
function bucketIndex(edges: Float64Array, v: number): number {
  let lo = 0;
  let hi = edges.length - 1; // number of buckets
  if (v < edges[0]) return 0;
  if (v >= edges[hi]) return hi - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins `values` with TensorBoard's default edges. Non-finite values are left out (TensorBoard's charts cannot
 * place them) and reported through `nonFinite`; an empty or all-non-finite input gives an empty histogram
 * (num 0, no buckets) instead of an error.
 */
export function makeHistogram(
  values: ArrayLike<number>,
  edges: Float64Array = DEFAULT_EDGES,
): Histogram & { nonFinite: number } {
  const counts = new Float64Array(edges.length - 1);
  let min = Infinity;
  let max = -Infinity;
  let num = 0;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    num++;
    sum += v;
    sumSquares += v * v;
    if (v < min) min = v;
    if (v > max) max = v;
    counts[bucketIndex(edges, v)]++;
  }
  const nonFinite = values.length - num;
  if (num === 0)
    return { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimits: [], bucketCounts: [], nonFinite };
  let first = 0;
  while (counts[first] === 0) first++;
  let last = counts.length - 1;
  while (counts[last] === 0) last--;
  const bucketLimits: number[] = [];
  const bucketCounts: number[] = [];
  // The empty bucket left of the first non-empty one: its right edge is the left edge of the data.
  bucketLimits.push(edges[first]);
  bucketCounts.push(0);
  for (let b = first; b <= last; b++) {
    bucketLimits.push(edges[b + 1]);
    bucketCounts.push(counts[b]);
  }
  return { min, max, num, sum, sumSquares, bucketLimits, bucketCounts, nonFinite };
}
