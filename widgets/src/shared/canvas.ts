// The subset of the 2-D canvas API the shared drawing code uses. Both the browser's CanvasRenderingContext2D
// and @napi-rs/canvas's context satisfy it, so one function draws the live view and the static PNG alike.
export interface Ctx2D {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  lineWidth: number;
  globalAlpha: number;
  font: string;
  textAlign: CanvasTextAlign;
  textBaseline: CanvasTextBaseline;
  fillRect(x: number, y: number, w: number, h: number): void;
  clearRect(x: number, y: number, w: number, h: number): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  closePath(): void;
  fill(): void;
  stroke(): void;
  fillText(text: string, x: number, y: number): void;
  save(): void;
  restore(): void;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const THEME = {
  background: "#ffffff",
  axis: "#6b6b6b",
  grid: "#e6e6e6",
  text: "#333333",
  font: "11px sans-serif",
  palette: ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"],
};

/** Short tick labels: 3 significant digits, exponent form for very small or large magnitudes. */
export function formatTick(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}

/** Draws a frame with min/max labels on both axes inside `box`. */
export function drawAxes(
  ctx: Ctx2D,
  box: Box,
  x: [number, number],
  y: [number, number],
  labels: { x?: string; y?: string } = {},
): void {
  ctx.save();
  ctx.strokeStyle = THEME.axis;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(box.left, box.top);
  ctx.lineTo(box.left, box.top + box.height);
  ctx.lineTo(box.left + box.width, box.top + box.height);
  ctx.stroke();
  ctx.fillStyle = THEME.text;
  ctx.font = THEME.font;
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.fillText(formatTick(x[0]), box.left, box.top + box.height + 3);
  ctx.textAlign = "right";
  ctx.fillText(formatTick(x[1]), box.left + box.width, box.top + box.height + 3);
  ctx.textBaseline = "middle";
  ctx.fillText(formatTick(y[1]), box.left - 4, box.top);
  ctx.fillText(formatTick(y[0]), box.left - 4, box.top + box.height);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  if (labels.x) ctx.fillText(labels.x, box.left + box.width / 2, box.top + box.height + 3);
  ctx.restore();
}
