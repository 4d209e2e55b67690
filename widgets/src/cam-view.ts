// CamView: an image with class-activation heatmaps for several methods and classes. Pickers for method and
// class and an opacity slider; every overlay is a PNG in the state, so switching is local to the browser.
import { tf } from "../../src/backend";
import type { MimeBundle } from "../../src/display";
import { colorize } from "../../src/image/colormap";
import { encodePng, pixelsToRgba, type RgbaImage } from "../../src/image/png";
import { CAM_METHODS, type CamConstructor, type CamMethodName } from "../../src/vision/cam";
import type { AnyModel, NodeRef } from "../../src/model";
import type { CamOptions } from "../../src/vision/cam/base";
import { describe } from "./kernel-grid";
import { LiveWidget } from "./widget";

export interface CamOverlay {
  method: string;
  classIndex: number;
  /** [h, w] or [1, h, w], values in [0, 1] (a CamResult's heatmap); read, not kept. */
  heatmap: tf.Tensor;
}

export interface CamViewOptions {
  title?: string;
  /** Names of the class indices, e.g. ImageNet labels; default "class <i>". */
  classNames?: Record<number, string> | string[];
  /** Overlay opacity in [0, 1]; default 0.5. */
  opacity?: number;
}

export type { CamMethodName };

function dataUrl(image: RgbaImage): string {
  return `data:image/png;base64,${encodePng(image).toString("base64")}`;
}

function imagePixels(image: tf.Tensor): { values: Float32Array; h: number; w: number; c: number } {
  const ok = image instanceof tf.Tensor && (image.rank === 3 || (image.rank === 4 && image.shape[0] === 1));
  const shape = ok ? image.shape.slice(-3) : [];
  if (!ok || ![1, 3].includes(shape[2])) {
    throw new TypeError(
      `CamView: expected an image [h, w, 3] (or [1, h, w, 3], values in [0, 1]), got ${describe(image)}`,
    );
  }
  return { values: image.dataSync() as Float32Array, h: shape[0], w: shape[1], c: shape[2] };
}

/** Alpha blend of a heatmap over an image, as the browser's canvas does with globalAlpha. Pure, for tests. */
export function blend(base: RgbaImage, overlay: RgbaImage, opacity: number): RgbaImage {
  const data = new Uint8ClampedArray(base.data.length);
  for (let i = 0; i < data.length; i += 4) {
    for (let c = 0; c < 3; c++)
      data[i + c] = Math.round((1 - opacity) * base.data[i + c] + opacity * overlay.data[i + c]);
    data[i + 3] = 255;
  }
  return { width: base.width, height: base.height, data };
}

export class CamView extends LiveWidget {
  protected readonly kind = "CamView";
  readonly title: string;
  readonly methods: string[];
  readonly classes: number[];
  private readonly base: RgbaImage;
  /** overlays[m][c]: jet-coloured heatmap of method m for class c (null when not computed). */
  private readonly overlays: (RgbaImage | null)[][];
  private readonly classLabels: string[];
  private selection = { method: 0, klass: 0, opacity: 0.5 };

  constructor(image: tf.Tensor, overlays: CamOverlay[], options: CamViewOptions = {}) {
    super();
    const { values, h, w, c } = imagePixels(image);
    this.base = pixelsToRgba(values, h, w, c, "unit");
    if (!Array.isArray(overlays) || overlays.length === 0)
      throw new TypeError("CamView: expected a non-empty array of { method, classIndex, heatmap }");
    this.methods = [...new Set(overlays.map((o) => String(o.method)))];
    this.classes = [...new Set(overlays.map((o) => o.classIndex))];
    this.overlays = this.methods.map(() => this.classes.map(() => null));
    overlays.forEach((o, i) => {
      const m = this.methods.indexOf(String(o.method));
      const k = this.classes.indexOf(o.classIndex);
      this.overlays[m][k] = heatmapImage(o.heatmap, h, w, i);
    });
    const names = options.classNames ?? {};
    this.classLabels = this.classes.map((k) => (names as Record<number, string>)[k] ?? `class ${k}`);
    this.title = options.title ?? "class activation maps";
    const opacity = options.opacity ?? 0.5;
    if (!(opacity >= 0 && opacity <= 1))
      throw new RangeError(`CamView: opacity must be in [0, 1], got ${opacity}`);
    this.selection.opacity = opacity;
  }

  /**
   * Computes each method's CAM for each class on one image [1, h, w, 3] with the library's CAM classes
   * (src/vision/cam) and shows them together.
   */
  static fromModel(
    model: AnyModel,
    image: tf.Tensor4D,
    options: CamViewOptions & { targetLayer: NodeRef; methods: CamMethodName[]; classes: number[] } & Omit<
        CamOptions,
        "targetLayer"
      >,
  ): CamView {
    const overlays: CamOverlay[] = [];
    try {
      for (const method of options.methods) {
        // a lookup by any string: callers from plain JS can pass names the type would reject
        const Method = (CAM_METHODS as Record<string, CamConstructor | undefined>)[method];
        if (typeof Method !== "function")
          throw new TypeError(`CamView.fromModel: unknown CAM method "${method}"`);
        const cam = new Method(model, {
          targetLayer: options.targetLayer,
          output: options.output,
          reshapeTransform: options.reshapeTransform,
        });
        for (const classIndex of options.classes) {
          const result = cam.compute(image, { targets: [classIndex] });
          // The view keeps only the heatmap; the result's other tensors (raw map, input copy) go now.
          overlays.push({ method, classIndex, heatmap: result.heatmap.clone() });
          result.dispose();
        }
      }
      return new CamView(image, overlays, options);
    } finally {
      tf.dispose(overlays.map((o) => o.heatmap));
    }
  }

  get selected(): { method: string; classIndex: number; opacity: number } {
    return {
      method: this.methods[this.selection.method],
      classIndex: this.classes[this.selection.klass],
      opacity: this.selection.opacity,
    };
  }

  protected dataState(): Record<string, unknown> {
    return {
      title: this.title,
      image: dataUrl(this.base),
      methods: this.methods,
      classes: this.classLabels,
      overlays: this.overlays.map((row) => row.map((img) => (img ? dataUrl(img) : null))),
      method_index: this.selection.method,
      class_index: this.selection.klass,
      opacity: this.selection.opacity,
    };
  }

  protected override applyUpdate(state: Record<string, unknown>): void {
    const index = (v: unknown, n: number) =>
      typeof v === "number" && Number.isInteger(v) && v >= 0 && v < n ? v : undefined;
    this.selection.method = index(state.method_index, this.methods.length) ?? this.selection.method;
    this.selection.klass = index(state.class_index, this.classes.length) ?? this.selection.klass;
    if (typeof state.opacity === "number" && state.opacity >= 0 && state.opacity <= 1)
      this.selection.opacity = state.opacity;
  }

  protected staticBundle(): MimeBundle {
    const overlay = this.overlays[this.selection.method][this.selection.klass];
    const picture = overlay ? blend(this.base, overlay, this.selection.opacity) : this.base;
    const { method, classIndex } = this.selected;
    return {
      "text/plain": `CamView ${JSON.stringify(this.title)}: methods ${this.methods.join(", ")}; classes ${this.classLabels.join(", ")}; showing ${method} for class ${classIndex}`,
      "image/png": encodePng(picture).toString("base64"),
    };
  }
}

function heatmapImage(heatmap: tf.Tensor, h: number, w: number, i: number): RgbaImage {
  const shape = heatmap instanceof tf.Tensor ? heatmap.shape.slice(-2) : [];
  const ok =
    heatmap instanceof tf.Tensor && (heatmap.rank === 2 || (heatmap.rank === 3 && heatmap.shape[0] === 1));
  if (!ok || shape[0] !== h || shape[1] !== w) {
    throw new TypeError(
      `CamView: overlays[${i}].heatmap must be [${h}, ${w}] or [1, ${h}, ${w}] like the image, got ${describe(heatmap)}`,
    );
  }
  return colorize(heatmap.dataSync(), h, w, { colormap: "jet", range: { min: 0, max: 1 } });
}
