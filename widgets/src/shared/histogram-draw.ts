// Drawing histograms over training steps: one step as bars (the live slider view), all steps as offset ridges
// (the static picture, like TensorBoard's "offset" histogram mode). Pure canvas calls, no DOM or Node.
import { THEME, drawAxes, type Box, type Ctx2D } from "./canvas";

export interface HistogramSeries {
  /** Bin edges shared by every step, length bins + 1, increasing. */
  edges: number[];
  steps: number[];
  /** counts[i] has `bins` entries: the histogram at steps[i]. */
  counts: number[][];
}

export function maxCount(series: HistogramSeries): number {
  let max = 0;
  for (const row of series.counts) for (const c of row) if (c > max) max = c;
  return max;
}

/** Bars of step `index`, scaled against the largest count of all steps so steps compare by height. */
export function drawHistogramStep(ctx: Ctx2D, box: Box, series: HistogramSeries, index: number): void {
  const { edges } = series;
  const counts = series.counts[index] ?? [];
  const yMax = Math.max(1, maxCount(series));
  const x0 = edges[0];
  const span = edges[edges.length - 1] - x0 || 1;
  const px = (x: number) => box.left + ((x - x0) / span) * box.width;
  ctx.save();
  ctx.fillStyle = THEME.palette[0];
  for (let b = 0; b < counts.length; b++) {
    const h = (counts[b] / yMax) * box.height;
    const left = px(edges[b]);
    ctx.fillRect(left, box.top + box.height - h, Math.max(1, px(edges[b + 1]) - left - 1), h);
  }
  ctx.restore();
  drawAxes(ctx, box, [x0, edges[edges.length - 1]], [0, yMax]);
}

/** Every step as an outlined ridge, earliest at the back (top), latest in front (bottom). */
export function drawHistogramRidges(ctx: Ctx2D, box: Box, series: HistogramSeries): void {
  const n = series.counts.length;
  if (n === 0) return;
  const { edges } = series;
  const yMax = Math.max(1, maxCount(series));
  const x0 = edges[0];
  const span = edges[edges.length - 1] - x0 || 1;
  const offset = n > 1 ? (box.height * 0.5) / (n - 1) : 0;
  const ridgeHeight = box.height - offset * (n - 1);
  ctx.save();
  for (let i = 0; i < n; i++) {
    const base = box.top + ridgeHeight + offset * i;
    ctx.beginPath();
    ctx.moveTo(box.left, base);
    series.counts[i].forEach((c, b) => {
      const mid = (edges[b] + edges[b + 1]) / 2;
      ctx.lineTo(box.left + ((mid - x0) / span) * box.width, base - (c / yMax) * ridgeHeight);
    });
    ctx.lineTo(box.left + box.width, base);
    ctx.closePath();
    ctx.globalAlpha = 1;
    ctx.fillStyle = THEME.background;
    ctx.fill();
    ctx.globalAlpha = 0.3 + (0.7 * (i + 1)) / n;
    ctx.strokeStyle = THEME.palette[0];
    ctx.stroke();
  }
  ctx.restore();
  drawAxes(ctx, { ...box, height: box.height }, [x0, edges[edges.length - 1]], [0, yMax]);
}
