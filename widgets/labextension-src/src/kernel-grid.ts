// KernelGrid view: the filters as tiles; per-filter / shared colour scale toggle and click-to-zoom are
// computed here from the weights in the state (no kernel round trip).
import {
  el,
  makeSelect,
  paint,
  toFloat32,
  makeCanvas,
  modelDefaults,
  TensorscopeModel,
  TensorscopeView,
} from "./base";
import { formatTick } from "../../src/shared/canvas";
import {
  renderTiles,
  tileAt,
  tileRanges,
  zoomFor,
  type TileLayout,
  type TileSet,
} from "../../src/shared/tiles";

export class KernelGridModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("KernelGrid", "KernelGrid"),
      shape: [0, 0, 0, 1],
      values: null,
      lut: [],
      total_filters: 0,
      scale: "layer",
      selected: -1,
    };
  }
}

const SCALES = ["layer", "filter"];

export class KernelGridView extends TensorscopeView {
  private grid!: HTMLCanvasElement;
  private zoom!: HTMLCanvasElement;
  private readout!: HTMLDivElement;
  private set!: TileSet;
  private layout!: TileLayout;

  protected renderBody(): void {
    const controls = el("div", "tensorscope-controls");
    const scale = makeSelect(
      "tensorscope-scale",
      ["shared scale (layer)", "per-filter scale"],
      SCALES.indexOf(this.model.get("scale")),
    );
    scale.addEventListener("change", () => this.syncToKernel({ scale: SCALES[Number(scale.value)] }));
    this.readout = el("div", "tensorscope-readout");
    controls.append(scale, this.readout);
    this.grid = makeCanvas(1, 1, "tensorscope-kernel-canvas");
    this.grid.style.cursor = "zoom-in";
    this.zoom = makeCanvas(1, 1, "tensorscope-kernel-zoom");
    this.zoom.style.cursor = "zoom-out";
    this.body.append(controls, this.grid, this.zoom);
    this.grid.addEventListener("click", (event) => {
      const index = tileAt(this.set, this.layout, event.offsetX, event.offsetY);
      if (index >= 0) this.syncToKernel({ selected: index });
    });
    this.zoom.addEventListener("click", () => this.syncToKernel({ selected: -1 }));
    this.listenTo(this.model, "change:scale change:selected change:values", () => this.draw());
    this.draw();
  }

  private draw(): void {
    const [count, height, width, channels] = this.model.get("shape") as number[];
    this.set = {
      count,
      height,
      width,
      channels: channels === 3 ? 3 : 1,
      values: toFloat32(this.model.get("values")),
    };
    this.layout = { columns: Math.ceil(Math.sqrt(count)), zoom: zoomFor(width, 40), gap: 2 };
    const lut = Uint8Array.from(this.model.get("lut") as number[]);
    const ranges = tileRanges(this.set, this.model.get("scale") === "filter", "symmetric");
    const selected = Number(this.model.get("selected"));
    const zoomed = selected >= 0 && selected < count;
    this.grid.style.display = zoomed ? "none" : "block";
    this.zoom.style.display = zoomed ? "block" : "none";
    const total = Number(this.model.get("total_filters"));
    if (zoomed) {
      const one = {
        ...this.set,
        count: 1,
        values: this.set.values.subarray(
          selected * height * width * this.set.channels,
          (selected + 1) * height * width * this.set.channels,
        ),
      };
      paint(
        this.zoom,
        renderTiles(one, [ranges[selected]], { columns: 1, zoom: zoomFor(width, 240), gap: 0 }, lut),
      );
      this.readout.textContent = `filter ${selected}: colour scale ±${formatTick(ranges[selected].max)} (click to go back)`;
    } else {
      paint(this.grid, renderTiles(this.set, ranges, this.layout, lut));
      const shown = count < total ? `first ${count} of ${total}` : `${count}`;
      this.readout.textContent = `${shown} filters, ${this.model.get("scale") === "filter" ? "per-filter scale" : `scale ±${formatTick(ranges[0]?.max ?? 0)}`}; click a filter to zoom`;
    }
  }
}
