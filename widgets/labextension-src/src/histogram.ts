// HistogramSlider: histograms of one tensor over training steps. All steps arrive with the model state, so
// the slider and the play button redraw locally; the chosen index is synced back only for the kernel's record.
import { el, makeCanvas, context2d, modelDefaults, TensorscopeModel, TensorscopeView } from "./base";
import { THEME } from "../../src/shared/canvas";
import { drawHistogramStep, type HistogramSeries } from "../../src/shared/histogram-draw";

export class HistogramSliderModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("HistogramSlider", "HistogramSlider"),
      edges: [],
      steps: [],
      counts: [],
      index: 0,
      interval_ms: 300,
    };
  }
}

const WIDTH = 520;
const HEIGHT = 220;

export class HistogramSliderView extends TensorscopeView {
  private canvas!: HTMLCanvasElement;
  private slider!: HTMLInputElement;
  private readout!: HTMLSpanElement;
  private playButton!: HTMLButtonElement;
  private timer: ReturnType<typeof setInterval> | undefined;

  protected renderBody(): void {
    this.canvas = makeCanvas(WIDTH, HEIGHT, "tensorscope-histogram-canvas");
    const controls = el("div", "tensorscope-controls");
    controls.style.cssText = "display:flex;gap:8px;align-items:center";
    this.playButton = el("button", "tensorscope-play", "▶");
    this.playButton.title = "play through the steps";
    this.slider = el("input", "tensorscope-step-slider");
    this.slider.type = "range";
    this.slider.min = "0";
    this.slider.style.width = "360px";
    this.readout = el("span", "tensorscope-step-readout");
    controls.append(this.playButton, this.slider, this.readout);
    this.body.append(this.canvas, controls);
    this.slider.addEventListener("input", () => this.syncToKernel({ index: Number(this.slider.value) }));
    this.playButton.addEventListener("click", () => this.togglePlay());
    this.listenTo(this.model, "change:index change:counts change:steps change:edges", () => this.draw());
    this.draw();
  }

  private series(): HistogramSeries {
    return {
      edges: this.model.get("edges"),
      steps: this.model.get("steps"),
      counts: this.model.get("counts"),
    };
  }

  private draw(): void {
    const series = this.series();
    const last = Math.max(0, series.steps.length - 1);
    const index = Math.min(Math.max(0, Number(this.model.get("index")) || 0), last);
    this.slider.max = String(last);
    this.slider.value = String(index);
    this.readout.textContent = series.steps.length
      ? `step ${series.steps[index]} (${index + 1}/${series.steps.length})`
      : "no steps";
    const ctx = context2d(this.canvas);
    ctx.fillStyle = THEME.background;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    if (series.steps.length)
      drawHistogramStep(ctx, { left: 48, top: 10, width: WIDTH - 60, height: HEIGHT - 34 }, series, index);
  }

  private togglePlay(): void {
    if (this.timer !== undefined) return this.stop();
    // from the last step, play starts over
    if (Number(this.model.get("index")) >= this.series().steps.length - 1) this.model.set("index", 0);
    this.playButton.textContent = "⏸";
    this.timer = setInterval(
      () => {
        const last = this.series().steps.length - 1;
        const next = Math.min(last, Number(this.model.get("index")) + 1);
        this.model.set("index", next);
        if (next >= last) this.stop();
      },
      Number(this.model.get("interval_ms")) || 300,
    );
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.playButton.textContent = "▶";
    this.syncToKernel({ index: this.model.get("index") });
  }

  override remove(): void {
    clearInterval(this.timer);
    return super.remove();
  }
}
