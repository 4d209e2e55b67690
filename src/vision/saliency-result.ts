// What a saliency method returns: the attributions (same shape as the input), a per-pixel map, the classes and
// scores explained; and a picture per sample (input · map · overlay), FlashTorch's three panels.
import { tf } from "../backend";
import { renderGrid, type GridTile } from "../image/grid";
import { tensorToRgba, heatmapToRgba } from "../image/tensor-image";
import { overlayToRgba } from "../image/overlay";
import type { RgbaImage } from "../image/png";
import { ImageView } from "../image/view";

export interface SaliencyInit {
  method: string;
  input: tf.Tensor4D;
  attributions: tf.Tensor4D;
  /** One entry per model input (the image input's is `attributions`); default [attributions]. */
  inputAttributions?: tf.Tensor[];
  classes: number[] | null;
  scores: number[];
  /** Integrated Gradients: Σ attributions − (f(x) − f(baseline)) per sample. */
  delta?: number[];
  /** How it was computed, when a method has several ways (occlusion: incremental crops or whole images). */
  computedBy?: string;
}

/** How many samples the picture shows. */
const MAX_SHOWN = 8;

/**
 * The per-pixel map of attributions [B, H, W, C]: max over channels of |a| (Simonyan et al., FlashTorch's
 * take_max), divided by each image's maximum so that it lies in [0, 1] with zero still zero.
 */
export function saliencyMap(attributions: tf.Tensor4D): tf.Tensor3D {
  return tf.tidy(() => {
    const m = tf.abs(attributions).max(3) as tf.Tensor3D;
    const peak = m.max([1, 2], true);
    return tf.div(m, tf.maximum(peak, 1e-12)) as tf.Tensor3D;
  });
}

/**
 * Attributions and their picture. `attributions` (same shape as the input batch) and `map` ([B, H, W] in [0, 1])
 * are the caller's to dispose (`dispose()`).
 */
export class SaliencyResult extends ImageView {
  readonly method: string;
  readonly attributions: tf.Tensor4D;
  /** Attributions for each of the model's inputs, in input order (the image input's is `attributions`). */
  readonly inputAttributions: tf.Tensor[];
  readonly map: tf.Tensor3D;
  /** The class explained for each sample, or null when targets were a function. */
  readonly classes: number[] | null;
  /** Each sample's target score on the input. */
  readonly scores: number[];
  readonly delta?: number[];
  /** How it was computed, when a method has several ways (occlusion: incremental crops or whole images). */
  readonly computedBy?: string;
  /** The samples the picture shows, kept so that it can be drawn later (when displayed or saved). */
  readonly #shown: tf.Tensor4D;

  constructor(init: SaliencyInit) {
    const map = saliencyMap(init.attributions);
    const batch = init.input.shape[0];
    const shown = tf.tidy(() => init.input.slice(0, Math.min(batch, MAX_SHOWN)));
    super(() => renderPanels({ ...init, input: shown }, map, batch), describe(init));
    this.#shown = shown;
    this.method = init.method;
    this.attributions = init.attributions;
    this.inputAttributions = init.inputAttributions ?? [init.attributions];
    this.map = map;
    this.classes = init.classes;
    this.scores = init.scores;
    this.delta = init.delta;
    this.computedBy = init.computedBy;
  }

  dispose(): void {
    tf.dispose([...new Set([this.attributions, ...this.inputAttributions]), this.map, this.#shown]);
  }
}

function describe(init: SaliencyInit): string {
  const [b, h, w, c] = init.attributions.shape;
  const targets = init.classes ? `classes [${init.classes.join(", ")}]` : "a target function";
  const delta = init.delta
    ? `, completeness error [${init.delta.map((d) => d.toExponential(1)).join(", ")}]`
    : "";
  return `${init.method} saliency ${b}x${h}x${w}x${c} for ${targets}${delta}`;
}

/** One row per sample: the input (min-max scaled), the map (gray), the map over the input (jet). */
function renderPanels(init: SaliencyInit, map: tf.Tensor3D, batch: number): RgbaImage {
  if (map.isDisposed) throw new Error("this saliency result was disposed before it was drawn");
  const shown = init.input.shape[0];
  const tiles: GridTile[] = [];
  for (let b = 0; b < shown; b++) {
    const [image, heat] = tf.tidy(() => {
      const sample = init.input.slice(b, 1).squeeze([0]);
      // pictures have 1, 3 or 4 channels; anything else is shown as the channel mean
      const x = [1, 3, 4].includes(sample.shape[2] ?? 0) ? sample : sample.mean(2, true);
      const lo = x.min();
      const unit = tf.div(tf.sub(x, lo), tf.maximum(tf.sub(x.max(), lo), 1e-12));
      return [unit, map.slice(b, 1).squeeze([0])];
    });
    const what = init.classes ? `class ${init.classes[b]}` : `sample ${b}`;
    tiles.push({ image: tensorToRgba(image), label: what });
    tiles.push({
      image: heatmapToRgba(heat, { colormap: "gray", range: { min: 0, max: 1 } }),
      label: "|attribution|",
    });
    tiles.push({ image: overlayToRgba(image, heat), label: "overlay" });
    tf.dispose([image, heat]);
  }
  const more = batch > shown ? ` (first ${shown} of ${batch})` : "";
  return renderGrid(tiles, { columns: 3, title: `${init.method}${more}`, minTileSize: 96 });
}
