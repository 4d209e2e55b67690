// What a CAM returns: tensors first (heatmaps at the input's size, raw maps at the layer's), and a picture for
// notebooks and PNG files: input | heatmap | overlay per image, labelled with the class and score (render.ts).
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { tf } from "../../backend";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../display";
import { overlay, type OverlayOptions } from "../../image/overlay";
import type { ImageView } from "../../image/view";
import { encodePng, type RgbaImage } from "../../image/png";
import { MAX_SHOWN, renderCamPicture } from "./render";

export interface CamResultInit {
  method: string;
  layer: string;
  heatmap: tf.Tensor3D;
  raw: tf.Tensor3D;
  classes: number[] | null;
  scores: number[];
  /** The explained batch; the result keeps a copy of its first images to draw them. */
  input?: tf.Tensor4D;
}

export class CamResult {
  readonly method: string;
  readonly layer: string;
  /** [B,H,W] in [0,1], resized to the input (ReLU, per-image min-max, bilinear). */
  readonly heatmap: tf.Tensor3D;
  /** [B,h,w] at the layer's resolution, before ReLU and normalisation (signed; magnitudes method-specific). */
  readonly raw: tf.Tensor3D;
  /** The class explained for each sample, or null when targets were a function. */
  readonly classes: number[] | null;
  /** Each sample's target score on the unmodified input. */
  readonly scores: number[];
  /** The first images of the input (a copy), kept so the picture can be drawn when displayed or saved. */
  readonly #shown: tf.Tensor4D | null;
  #picture?: RgbaImage;

  constructor(init: CamResultInit) {
    const input = init.input;
    this.#shown = input ? tf.tidy(() => input.slice(0, Math.min(input.shape[0], MAX_SHOWN))) : null;
    this.method = init.method;
    this.layer = init.layer;
    this.heatmap = init.heatmap;
    this.raw = init.raw;
    this.classes = init.classes;
    this.scores = init.scores;
  }

  dispose(): void {
    tf.dispose([this.heatmap, this.raw, ...(this.#shown ? [this.#shown] : [])]);
  }

  /**
   * The picture: per image (at most 8) the input, the heatmap (jet: blue = 0, red = 1) and the overlay, enlarged
   * to at least 128 px, labelled with the class and score. Drawn once, on first use.
   */
  toRgba(): RgbaImage {
    return (this.#picture ??= renderCamPicture({
      method: this.method,
      layer: this.layer,
      heatmap: this.heatmap,
      shown: this.#shown,
      classes: this.classes,
      scores: this.scores,
    }));
  }

  /**
   * The heatmap of image `index` laid over that image (show_cam_on_image's formula, RGB; see image/overlay.ts).
   * `images` is the batch given to compute() ([B,H,W,C], values in [0, 1]) or one [H,W,C] image.
   */
  overlay(images: tf.Tensor, index = 0, options: OverlayOptions = {}): ImageView {
    const batch = this.heatmap.shape[0];
    if (!Number.isInteger(index) || index < 0 || index >= batch) {
      throw new RangeError(`image index ${index} is outside this result's ${batch} map(s)`);
    }
    const [image, map] = tf.tidy(() => [
      images.rank === 4 ? images.slice([index], [1]).squeeze([0]) : images,
      this.heatmap.slice([index], [1]).squeeze([0]),
    ]);
    try {
      return overlay(image, map, options);
    } finally {
      tf.dispose(image === images ? [map] : [image, map]);
    }
  }

  png(): Buffer {
    return encodePng(this.toRgba());
  }

  /** Writes the picture as a PNG file (folders created); returns the path. */
  savePng(path: string): string {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.png());
    return path;
  }

  toString(): string {
    const [batch, height, width] = this.heatmap.shape;
    const [, h, w] = this.raw.shape;
    const targets = this.scores.map((s, i) => {
      const what = this.classes ? `class ${this.classes[i]}` : "target";
      return `${what} (score ${s.toPrecision(4)})`;
    });
    return (
      `${this.method} at layer "${this.layer}": ${batch} map(s) ${height}x${width} in [0, 1] (raw ${h}x${w})\n` +
      `explained: ${targets.join(", ")}`
    );
  }

  [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/plain": this.toString(), "image/png": this.png().toString("base64") };
  }
}
