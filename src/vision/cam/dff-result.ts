// What DeepFeatureFactorization returns: the concepts, their maps and (with a classifier) their top classes,
// pictured as pytorch-grad-cam's show_factorization_on_image (each pixel coloured by its strongest concept).
import { tf } from "../../backend";
import { DISPLAY_SYMBOL, type MimeBundle } from "../../display";
import { renderGrid, type GridTile } from "../../image/grid";
import { encodePng, type RgbaImage } from "../../image/png";
import { imageShape } from "../../image/tensor-image";
import { CamResult, type CamResultInit } from "./result";

export interface Factorization {
  /** Concept vectors [channels, k] (W + the per-channel offset, as pytorch-grad-cam returns them). */
  concepts: tf.Tensor2D;
  /** Each concept's map per image [B, k, H, W], min-maxed per map, at the input's size. */
  explanations: tf.Tensor4D;
  /** Softmax class scores per concept [k][classes], when a classifier was given. */
  conceptScores: number[][] | null;
  labels?: string[];
  topK: number;
}

/** Hues evenly spaced round the colour wheel (gist_rainbow-like), one per concept. */
function conceptColour(i: number, k: number): [number, number, number] {
  const hue = (i / k) * 300;
  const c = (n: number) => {
    const t = (n + hue / 60) % 6;
    return Math.max(0, Math.min(1, Math.abs(t - 3) - 1));
  };
  return [c(5), c(3), c(1)];
}

/** The concept with the largest map value at pixel `p` of the `k` maps starting at `offset` in `maps`. */
function strongestConcept(
  maps: ArrayLike<number>,
  offset: number,
  k: number,
  size: number,
  p: number,
): number {
  let best = 0;
  for (let i = 1; i < k; i++) if (maps[offset + i * size + p] > maps[offset + best * size + p]) best = i;
  return best;
}

/** A DFF's concepts, their maps and (with a classifier) their top classes; pictured as show_factorization_on_image. */
export class DffResult extends CamResult {
  readonly concepts: tf.Tensor2D;
  readonly explanations: tf.Tensor4D;
  readonly conceptScores: number[][] | null;
  readonly #labels?: string[];
  readonly #topK: number;

  constructor(init: CamResultInit, factorization: Factorization) {
    super(init);
    this.concepts = factorization.concepts;
    this.explanations = factorization.explanations;
    this.conceptScores = factorization.conceptScores;
    this.#labels = factorization.labels;
    this.#topK = factorization.topK;
  }

  override dispose(): void {
    super.dispose();
    tf.dispose([this.concepts, this.explanations]);
  }

  /** Per concept: "name 0.62, name 0.21" for its top classes (create_labels_legend), or "concept i". */
  conceptLabels(): string[] {
    const k = this.explanations.shape[1];
    return Array.from({ length: k }, (_, i) => {
      const scores = this.conceptScores?.[i];
      if (!scores) return `concept ${i}`;
      const top = scores
        .map((p, c) => ({ p, c }))
        .sort((a, b) => b.p - a.p)
        .slice(0, this.#topK);
      return top.map(({ p, c }) => `${this.#labels?.[c] ?? `class ${c}`} ${p.toFixed(2)}`).join(", ");
    });
  }

  /**
   * Image `index` with each pixel coloured by its strongest concept, brightness = that concept's map, blended as
   * show_factorization_on_image: image·w + mask·(1 − w) (w = imageWeight, default 0.5).
   */
  factorizationRgba(images: tf.Tensor, index = 0, imageWeight = 0.5): RgbaImage {
    const [, k, height, width] = this.explanations.shape;
    const image = tf.tidy(() => (images.rank === 4 ? images.slice([index], [1]).squeeze([0]) : images));
    const [h, w, c] = imageShape(image.shape, "DFF image");
    const pixels = image.dataSync();
    if (image !== images) image.dispose();
    if (h !== height || w !== width)
      throw new RangeError(`the image is ${h}x${w} but the maps are ${height}x${width}`);
    const maps = tf.tidy(() => this.explanations.slice([index], [1]).squeeze([0]).dataSync());
    const data = new Uint8ClampedArray(h * w * 4);
    for (let p = 0; p < h * w; p++) {
      const best = strongestConcept(maps, 0, k, h * w, p);
      const colour = conceptColour(best, k);
      const strength = maps[best * h * w + p];
      for (let ch = 0; ch < 3; ch++) {
        const pixel = pixels[p * c + (c === 1 ? 0 : ch)];
        data[p * 4 + ch] = Math.floor(
          255 * (pixel * imageWeight + colour[ch] * strength * (1 - imageWeight)),
        );
      }
      data[p * 4 + 3] = 255;
    }
    return { width: w, height: h, data };
  }

  /** Swatches of the concept colours labelled with their top classes (the legend). */
  legendTiles(): GridTile[] {
    const k = this.explanations.shape[1];
    return this.conceptLabels().map((label, i) => {
      const [r, g, b] = conceptColour(i, k);
      const data = new Uint8ClampedArray(16 * 16 * 4);
      for (let p = 0; p < 256; p++) data.set([r * 255, g * 255, b * 255, 255], p * 4);
      return { image: { width: 16, height: 16, data }, label };
    });
  }

  /** The concept maps of every image (gray) and the legend; `factorizationRgba` blends them with the image. */
  override toRgba(): RgbaImage {
    const [batch, k, height, width] = this.explanations.shape;
    const tiles: GridTile[] = [];
    const values = this.explanations.dataSync();
    for (let b = 0; b < Math.min(batch, 4); b++) {
      const data = new Uint8ClampedArray(height * width * 4);
      for (let p = 0; p < height * width; p++) {
        const best = strongestConcept(values, b * k * height * width, k, height * width, p);
        const [r, g, bl] = conceptColour(best, k);
        const s = values[(b * k + best) * height * width + p];
        data.set([r * s * 255, g * s * 255, bl * s * 255, 255], p * 4);
      }
      tiles.push({ image: { width, height, data }, label: `image ${b}` });
    }
    return renderGrid([...tiles, ...this.legendTiles()], {
      columns: Math.min(batch, 4) + 1,
      title: `Deep Feature Factorization at "${this.layer}": ${k} concepts`,
    });
  }

  override png(): Buffer {
    return encodePng(this.toRgba());
  }

  override toString(): string {
    const [batch, k] = this.explanations.shape;
    return (
      `DeepFeatureFactorization at layer "${this.layer}": ${k} concepts over ${batch} image(s)\n` +
      this.conceptLabels()
        .map((l, i) => `  concept ${i}: ${l}`)
        .join("\n")
    );
  }

  override [DISPLAY_SYMBOL](): MimeBundle {
    return { "text/plain": this.toString(), "image/png": this.png().toString("base64") };
  }
}
