// numpy.histogram_bin_edges for the `bins` PyTorch's add_histogram passes through: "tensorflow" (TensorBoard's
// fixed exponential edges), a bin count, explicit edges, or one of numpy's estimators ("auto", "fd", "sturges",
// "sqrt", "rice", "scott", "doane"), each the bin width numpy computes, then equal-width edges over the data range.
import { DEFAULT_EDGES } from "./histogram";

export type BinEstimator = "auto" | "fd" | "sturges" | "sqrt" | "rice" | "scott" | "doane";
export type Bins = "tensorflow" | BinEstimator | number | number[];

const ESTIMATORS = ["auto", "fd", "sturges", "sqrt", "rice", "scott", "doane"];

/** numpy.percentile with its default linear interpolation, of sorted values. */
function percentile(sorted: Float64Array, q: number): number {
  const at = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function moments(x: Float64Array): { mean: number; std: number } {
  let sum = 0;
  for (const v of x) sum += v;
  const mean = sum / x.length;
  let squares = 0;
  for (const v of x) squares += (v - mean) ** 2;
  return { mean, std: Math.sqrt(squares / x.length) };
}

/** numpy's _hist_bin_<name>: the bin width each estimator asks for (0 = "use one bin"). */
function binWidth(name: BinEstimator, x: Float64Array, ptp: number): number {
  const n = x.length;
  switch (name) {
    case "sqrt":
      return ptp / Math.sqrt(n);
    case "sturges":
      return ptp / (Math.log2(n) + 1);
    case "rice":
      return ptp / (2 * n ** (1 / 3));
    case "scott":
      return ((24 * Math.PI ** 0.5) / n) ** (1 / 3) * moments(x).std;
    case "fd": {
      const sorted = Float64Array.from(x).sort();
      return 2 * (percentile(sorted, 75) - percentile(sorted, 25)) * n ** (-1 / 3);
    }
    case "doane": {
      if (n <= 2) return 0;
      const sg1 = Math.sqrt((6 * (n - 2)) / ((n + 1) * (n + 3)));
      const { mean, std } = moments(x);
      if (!(std > 0)) return 0;
      let g1 = 0;
      for (const v of x) g1 += ((v - mean) / std) ** 3;
      g1 /= n;
      return ptp / (1 + Math.log2(n) + Math.log2(1 + Math.abs(g1) / sg1));
    }
    case "auto": {
      const fd = binWidth("fd", x, ptp);
      const sturges = binWidth("sturges", x, ptp);
      return fd ? Math.min(fd, sturges) : sturges;
    }
  }
}

function linspace(first: number, last: number, bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = (last - first) / bins;
  for (let i = 0; i <= bins; i++) edges[i] = first + i * step;
  edges[bins] = last;
  return edges;
}

/** The bin edges numpy.histogram(values, bins) would use (non-finite values left out, as makeHistogram does). */
export function binEdges(values: ArrayLike<number>, bins: Bins, method = "addHistogram"): Float64Array {
  if (bins === "tensorflow") return DEFAULT_EDGES;
  if (Array.isArray(bins)) {
    if (bins.length < 2 || bins.some((e, i) => !Number.isFinite(e) || (i > 0 && e < bins[i - 1])))
      throw new RangeError(`${method}: explicit bins must be 2 or more finite, increasing edges`);
    return Float64Array.from(bins);
  }
  const finite = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]);
  let [first, last] = finite.length ? [Infinity, -Infinity] : [0, 1];
  for (const v of finite) [first, last] = [Math.min(first, v), Math.max(last, v)];
  const ptp = last - first;
  if (first === last) [first, last] = [first - 0.5, last + 0.5];
  if (typeof bins === "number") {
    if (!Number.isInteger(bins) || bins < 1)
      throw new RangeError(`${method}: bins must be a positive integer, got ${bins}`);
    return linspace(first, last, bins);
  }
  if (!ESTIMATORS.includes(bins as string))
    throw new RangeError(
      `${method}: bins must be "tensorflow", ${ESTIMATORS.map((e) => `"${e}"`).join(", ")}, a count or edges; got ${JSON.stringify(bins)}`,
    );
  const width = finite.length ? binWidth(bins as BinEstimator, finite, ptp) : 0;
  return linspace(first, last, width ? Math.ceil((last - first) / width) : 1);
}
