// CamView view: method and class pickers and an opacity slider over an image; the overlay PNGs are all in
// the state, so every change redraws locally.
import {
  el,
  makeSelect,
  makeCanvas,
  context2d,
  modelDefaults,
  TensorscopeModel,
  TensorscopeView,
} from "./base";

export class CamViewModel extends TensorscopeModel {
  override defaults(): Backbone.ObjectHash {
    return {
      ...super.defaults(),
      ...modelDefaults("CamView", "CamView"),
      image: "",
      methods: [],
      classes: [],
      overlays: [],
      method_index: 0,
      class_index: 0,
      opacity: 0.5,
    };
  }
}

const images = new Map<string, Promise<HTMLImageElement>>();

/** Decodes a data URL once; the same URL is shared by every view. */
function loadImage(url: string): Promise<HTMLImageElement> {
  let image = images.get(url);
  if (!image) {
    image = new Promise((ok, fail) => {
      const img = new Image();
      img.onload = () => ok(img);
      img.onerror = () => fail(new Error("tensorscope CamView: an image did not decode"));
      img.src = url;
    });
    images.set(url, image);
  }
  return image;
}

export class CamViewView extends TensorscopeView {
  private canvas!: HTMLCanvasElement;
  private drawn = 0;

  protected renderBody(): void {
    const controls = el("div", "tensorscope-controls");
    controls.style.cssText = "display:flex;gap:8px;align-items:center";
    const method = makeSelect(
      "tensorscope-cam-method",
      this.model.get("methods"),
      Number(this.model.get("method_index")),
    );
    const klass = makeSelect(
      "tensorscope-cam-class",
      this.model.get("classes"),
      Number(this.model.get("class_index")),
    );
    const opacity = el("input", "tensorscope-cam-opacity");
    opacity.type = "range";
    opacity.min = "0";
    opacity.max = "1";
    opacity.step = "0.05";
    opacity.value = String(this.model.get("opacity"));
    method.addEventListener("change", () => this.syncToKernel({ method_index: Number(method.value) }));
    klass.addEventListener("change", () => this.syncToKernel({ class_index: Number(klass.value) }));
    opacity.addEventListener("input", () => this.syncToKernel({ opacity: Number(opacity.value) }));
    controls.append(
      el("span", "", "method"),
      method,
      el("span", "", "class"),
      klass,
      el("span", "", "opacity"),
      opacity,
    );
    this.canvas = makeCanvas(1, 1, "tensorscope-cam-canvas");
    this.body.append(controls, this.canvas);
    this.listenTo(this.model, "change:method_index change:class_index change:opacity", () => {
      method.value = String(this.model.get("method_index"));
      klass.value = String(this.model.get("class_index"));
      opacity.value = String(this.model.get("opacity"));
      void this.draw();
    });
    void this.draw();
  }

  private async draw(): Promise<void> {
    const ticket = ++this.drawn;
    const overlays = this.model.get("overlays") as (string | null)[][];
    const overlayUrl =
      overlays[Number(this.model.get("method_index"))]?.[Number(this.model.get("class_index"))];
    const [base, overlay] = await Promise.all([
      loadImage(this.model.get("image")),
      overlayUrl ? loadImage(overlayUrl) : null,
    ]);
    if (ticket !== this.drawn) return; // a newer selection is being drawn
    const zoom = Math.max(1, Math.floor(256 / base.width));
    this.canvas.width = base.width * zoom;
    this.canvas.height = base.height * zoom;
    this.canvas.dataset.drawn = String(ticket);
    const ctx = context2d(this.canvas);
    ctx.imageSmoothingEnabled = false;
    ctx.globalAlpha = 1;
    ctx.drawImage(base, 0, 0, this.canvas.width, this.canvas.height);
    if (overlay) {
      ctx.globalAlpha = Number(this.model.get("opacity"));
      ctx.drawImage(overlay, 0, 0, this.canvas.width, this.canvas.height);
      ctx.globalAlpha = 1;
    }
  }
}
