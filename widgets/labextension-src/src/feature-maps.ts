// FeatureMapBrowser view: a layer picker, the chosen layer's channels as tiles, and the value range of the
// channel under the mouse, all from the activations in the state.
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
import { renderTiles, tileAt, zoomFor, type TileLayout, type TileSet } from "../../src/shared/tiles";

export class FeatureMapBrowserModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("FeatureMapBrowser", "FeatureMapBrowser"),
      layers: [],
      lut: [],
      layer_index: 0,
    };
  }
}

interface LayerState {
  name: string;
  shape: [number, number, number];
  channels: number;
  ranges: [number, number][];
  values: unknown;
}

export class FeatureMapBrowserView extends TensorscopeView {
  private canvas!: HTMLCanvasElement;
  private hover!: HTMLDivElement;
  private picker!: HTMLSelectElement;
  private set: TileSet | undefined;
  private layout!: TileLayout;

  protected renderBody(): void {
    const layers = this.model.get("layers") as LayerState[];
    this.picker = makeSelect(
      "tensorscope-layer",
      layers.map((l) => `${l.name} (${l.channels} channels)`),
      Number(this.model.get("layer_index")),
    );
    this.picker.addEventListener("change", () =>
      this.syncToKernel({ layer_index: Number(this.picker.value) }),
    );
    this.hover = el("div", "tensorscope-hover", "hover a channel to see its value range");
    this.canvas = makeCanvas(1, 1, "tensorscope-featuremap-canvas");
    this.body.append(this.picker, this.canvas, this.hover);
    this.canvas.addEventListener("mousemove", (event) => this.showChannel(event.offsetX, event.offsetY));
    this.listenTo(this.model, "change:layer_index change:layers", () => this.draw());
    this.draw();
  }

  private layer(): LayerState | undefined {
    return (this.model.get("layers") as LayerState[])[Number(this.model.get("layer_index"))];
  }

  private draw(): void {
    const layer = this.layer();
    if (!layer) return;
    this.picker.value = String(this.model.get("layer_index"));
    const [count, height, width] = layer.shape;
    this.set = { count, height, width, channels: 1, values: toFloat32(layer.values) };
    this.layout = { columns: Math.min(8, count), zoom: zoomFor(width, 56), gap: 2 };
    const ranges = layer.ranges.map(([min, max]) => ({ min, max }));
    paint(
      this.canvas,
      renderTiles(this.set, ranges, this.layout, Uint8Array.from(this.model.get("lut") as number[])),
    );
  }

  private showChannel(x: number, y: number): void {
    const layer = this.layer();
    if (!layer || !this.set) return;
    const k = tileAt(this.set, this.layout, x, y);
    if (k < 0) return;
    const [min, max] = layer.ranges[k];
    this.hover.textContent = `${layer.name} channel ${k}: min ${formatTick(min)}, max ${formatTick(max)}`;
  }
}
