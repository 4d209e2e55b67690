// What a CAM returns: tensors first (heatmaps at the input's size, raw maps at the layer's), and a rendering
// of the heatmaps as a jet-coloured strip (one tile per image) for notebooks and PNG files.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { tf } from "../../backend";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../display";
import { colorize } from "../../image/colormap";
import { overlay, type OverlayOptions } from "../../image/overlay";
import type { ImageView } from "../../image/view";
import { encodePng, type RgbaImage } from "../../image/png";

export interface CamResultInit {
  method: string;
  layer: string;
  heatmap: tf.Tensor3D;
  raw: tf.Tensor3D;
  classes: number[] | null;
  scores: number[];
}

const GAP = 2;

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

  constructor(init: CamResultInit) {
    this.method = init.method;
    this.layer = init.layer;
    this.heatmap = init.heatmap;
    this.raw = init.raw;
    this.classes = init.classes;
    this.scores = init.scores;
  }

  dispose(): void {
    tf.dispose([this.heatmap, this.raw]);
  }

  /** The heatmaps side by side, jet-coloured (blue = 0, red = 1), 2 px apart on white. */
  toRgba(): RgbaImage {
    const [batch, height, width] = this.heatmap.shape;
    const values = this.heatmap.dataSync();
    const stripWidth = batch * width + (batch - 1) * GAP;
    const data = new Uint8ClampedArray(stripWidth * height * 4).fill(255);
    for (let b = 0; b < batch; b++) {
      const tile = colorize(values.subarray(b * height * width, (b + 1) * height * width), height, width, {
        colormap: "jet",
        range: { min: 0, max: 1 },
      });
      for (let y = 0; y < height; y++) {
        const from = y * width * 4;
        data.set(tile.data.subarray(from, from + width * 4), (y * stripWidth + b * (width + GAP)) * 4);
      }
    }
    return { width: stripWidth, height, data };
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

  /** Writes the heatmap strip as a PNG file (folders created); returns the path. */
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
