// Drawing live training curves: per series a min/max band (so spikes stay visible after bucketing), the raw
// means faintly, and the smoothed means in full colour.
import { THEME, drawAxes, type Box, type Ctx2D } from "./canvas";
import { smooth, type BucketTuple } from "./buckets";

export type SeriesMap = Record<string, BucketTuple[]>;

function extent(series: SeriesMap): { x: [number, number]; y: [number, number] } {
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const points of Object.values(series)) {
    for (const [step, , min, max] of points) {
      x0 = Math.min(x0, step);
      x1 = Math.max(x1, step);
      y0 = Math.min(y0, min);
      y1 = Math.max(y1, max);
    }
  }
  if (!Number.isFinite(x0)) return { x: [0, 1], y: [0, 1] };
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  return { x: [x0, x1], y: [y0, y1] };
}

export function drawCurves(ctx: Ctx2D, box: Box, series: SeriesMap, smoothing: number, xLabel = ""): void {
  const { x, y } = extent(series);
  const px = (s: number) => box.left + ((s - x[0]) / (x[1] - x[0])) * box.width;
  const py = (v: number) => box.top + box.height - ((v - y[0]) / (y[1] - y[0])) * box.height;
  ctx.save();
  Object.entries(series).forEach(([, points], k) => {
    const colour = THEME.palette[k % THEME.palette.length];
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    ctx.globalAlpha = 0.15;
    for (const [step, , min, max] of points)
      ctx.fillRect(px(step) - 0.5, py(max), 1.5, Math.max(1, py(min) - py(max)));
    ctx.globalAlpha = 0.35;
    polyline(
      ctx,
      points.map((p) => [px(p[0]), py(p[1])]),
    );
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1.5;
    const smoothed = smooth(
      points.map((p) => p[1]),
      smoothing,
    );
    polyline(
      ctx,
      points.map((p, i) => [px(p[0]), py(smoothed[i])]),
    );
    ctx.lineWidth = 1;
  });
  ctx.restore();
  drawAxes(ctx, box, x, y, { x: xLabel });
}

function polyline(ctx: Ctx2D, points: [number, number][]): void {
  if (points.length === 0) return;
  ctx.beginPath();
  ctx.moveTo(points[0][0], points[0][1]);
  for (const [px, py] of points.slice(1)) ctx.lineTo(px, py);
  if (points.length === 1) ctx.lineTo(points[0][0] + 1, points[0][1]);
  ctx.stroke();
}
