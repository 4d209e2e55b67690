// TrainingMonitor view: curves with min/max bands, a smoothing slider and a legend. Redraws are coalesced
// to at most one per 100 ms however often updates arrive.
import { el, makeCanvas, context2d, modelDefaults, TensorscopeModel, TensorscopeView } from "./base";
import { THEME } from "../../src/shared/canvas";
import { drawCurves, type SeriesMap } from "../../src/shared/curves-draw";

export class TrainingMonitorModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("TrainingMonitor", "TrainingMonitor"),
      series: {},
      smoothing: 0.6,
      max_points: 512,
    };
  }
}

const WIDTH = 560;
const HEIGHT = 260;
const MIN_REDRAW_MS = 100;

export class TrainingMonitorView extends TensorscopeView {
  private canvas!: HTMLCanvasElement;
  private legend!: HTMLDivElement;
  private lastDraw = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;

  protected renderBody(): void {
    this.canvas = makeCanvas(WIDTH, HEIGHT, "tensorscope-monitor-canvas");
    this.canvas.dataset.redraws = "0";
    const controls = el("div", "tensorscope-controls");
    const smoothing = el("input", "tensorscope-smoothing");
    smoothing.type = "range";
    smoothing.min = "0";
    smoothing.max = "0.99";
    smoothing.step = "0.01";
    smoothing.value = String(this.model.get("smoothing"));
    smoothing.addEventListener("input", () => this.syncToKernel({ smoothing: Number(smoothing.value) }));
    this.legend = el("div", "tensorscope-legend");
    controls.append(el("span", "", "smoothing "), smoothing);
    this.body.append(this.canvas, controls, this.legend);
    this.listenTo(this.model, "change:series change:smoothing", () => this.requestDraw());
    this.draw();
  }

  private requestDraw(): void {
    if (this.pending !== undefined) return;
    const wait = Math.max(0, this.lastDraw + MIN_REDRAW_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.draw();
    }, wait);
  }

  private draw(): void {
    this.lastDraw = Date.now();
    const series = this.model.get("series") as SeriesMap;
    const ctx = context2d(this.canvas);
    ctx.fillStyle = THEME.background;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    drawCurves(
      ctx,
      { left: 50, top: 10, width: WIDTH - 70, height: HEIGHT - 40 },
      series,
      Number(this.model.get("smoothing")),
      "step",
    );
    this.canvas.dataset.redraws = String(Number(this.canvas.dataset.redraws) + 1);
    this.canvas.dataset.points = String(Object.values(series).reduce((n, points) => n + points.length, 0));
    this.legend.replaceChildren(
      ...Object.entries(series).map(([name, points], k) => {
        const item = el(
          "span",
          "tensorscope-legend-item",
          `${name}: ${points.length ? points[points.length - 1][1].toPrecision(4) : "-"}  `,
        );
        item.style.color = THEME.palette[k % THEME.palette.length];
        return item;
      }),
    );
  }

  override remove(): void {
    clearTimeout(this.pending);
    return super.remove();
  }
}
