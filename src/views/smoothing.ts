// TensorBoard's scalar smoothing (webapp line_chart_v2/data_transformer.ts classicSmoothing): a debiased
// exponential moving average over points in order, where non-finite values pass through and are not accumulated.

export function smooth(values: ArrayLike<number>, weight: number): number[] {
  const w = Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 0;
  const out = Array.from(values);
  const finite = out.filter(Number.isFinite);
  // A constant series is returned unchanged (TensorBoard #786: debiasing would otherwise add float noise).
  if (finite.length === 0 || finite.every((v) => v === finite[0])) return out;
  let last = 0;
  let n = 0;
  for (let i = 0; i < out.length; i++) {
    const y = out[i];
    if (!Number.isFinite(y)) continue;
    n++;
    last = last * w + (1 - w) * y;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, n);
    out[i] = last / debias;
  }
  return out;
}
