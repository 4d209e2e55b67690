// FeatureMapBrowser: the activations of several layers for one input. Pick a layer, see its channels as
// tiles (min-max per channel, viridis), hover a channel for its value range. All layers are in the state, so
// switching layers and hovering are local to the browser.
import { tf } from "../../src/backend";
import type { MimeBundle } from "../../src/display";
import { layerActivations } from "../../src/vision/feature-maps";
import { inspectModel, type AnyModel, type ModelInputs, type NodeRef } from "../../src/model";
import { rangeOf, tileRanges, zoomFor, type TileSet } from "./shared/tiles";
import { lutOf, tilesPng } from "./tile-widgets";
import { describe } from "./kernel-grid";
import { LiveWidget } from "./widget";

export interface FeatureMapLayer {
  name: string;
  /** Activations for one input: [h, w, c] or [1, h, w, c] (read, not kept). */
  activations: tf.Tensor;
}

export interface FeatureMapBrowserOptions {
  title?: string;
  /** At most this many channels per layer go to the browser (default 64). */
  maxChannels?: number;
}

interface LayerData {
  name: string;
  channels: number;
  tiles: TileSet;
  ranges: { min: number; max: number }[];
}

/** [h, w, c] activations → one tile per channel [c][h][w][1]. Pure, exported for tests. */
export function channelTiles(
  values: Float32Array,
  h: number,
  w: number,
  c: number,
  maxChannels: number,
): TileSet {
  const count = Math.min(c, maxChannels);
  const out = new Float32Array(count * h * w);
  for (let k = 0; k < count; k++) {
    for (let p = 0; p < h * w; p++) out[k * h * w + p] = values[p * c + k];
  }
  return { count, height: h, width: w, channels: 1, values: out };
}

function readLayer(layer: FeatureMapLayer, maxChannels: number, index: number): LayerData {
  const { name, activations } = layer ?? {};
  if (typeof name !== "string")
    throw new TypeError(`FeatureMapBrowser: layers[${index}].name must be a string`);
  if (
    !(activations instanceof tf.Tensor) ||
    !(activations.rank === 3 || (activations.rank === 4 && activations.shape[0] === 1))
  ) {
    throw new TypeError(
      `FeatureMapBrowser: layers[${index}] ("${name}") needs activations [h, w, c] or [1, h, w, c], got ${describe(activations)}`,
    );
  }
  const [h, w, c] = activations.shape.slice(-3);
  const tiles = channelTiles(activations.dataSync() as Float32Array, h, w, c, maxChannels);
  const ranges = Array.from({ length: tiles.count }, (_, k) =>
    rangeOf(tiles.values.subarray(k * h * w, (k + 1) * h * w), "minmax"),
  );
  return { name, channels: c, tiles, ranges };
}

export class FeatureMapBrowser extends LiveWidget {
  protected readonly kind = "FeatureMapBrowser";
  readonly title: string;
  private readonly layers: LayerData[];
  private layerIndex = 0;

  constructor(layers: FeatureMapLayer[], options: FeatureMapBrowserOptions = {}) {
    super();
    if (!Array.isArray(layers) || layers.length === 0)
      throw new TypeError("FeatureMapBrowser: expected a non-empty array of { name, activations }");
    const maxChannels = options.maxChannels ?? 64;
    if (!Number.isInteger(maxChannels) || maxChannels < 1)
      throw new RangeError(`FeatureMapBrowser: maxChannels must be a positive integer, got ${maxChannels}`);
    this.layers = layers.map((layer, i) => readLayer(layer, maxChannels, i));
    this.title = options.title ?? "feature maps";
  }

  /** Runs `model` on one input (batched [1, ...] or not) and keeps the outputs of `layers`. */
  static fromModel(
    model: AnyModel,
    input: ModelInputs,
    layers: NodeRef[],
    options: FeatureMapBrowserOptions = {},
  ): FeatureMapBrowser {
    const m = inspectModel(model, "FeatureMapBrowser");
    // one forward pass for every layer
    const all = layerActivations(m, layers, input);
    const captured = all.map((activations, i) => {
      const name = typeof layers[i] === "string" ? (layers[i] as string) : m.resolve(layers[i]).name;
      if (activations.shape[0] === 1) return { name, activations };
      const first = activations.slice(0, 1);
      activations.dispose();
      return { name, activations: first };
    });
    try {
      return new FeatureMapBrowser(captured, {
        title: options.title ?? `feature maps of ${m.name}`,
        ...options,
      });
    } finally {
      tf.dispose(captured.map((c) => c.activations));
    }
  }

  get selectedLayer(): string {
    return this.layers[this.layerIndex].name;
  }

  protected dataState(): Record<string, unknown> {
    return {
      title: this.title,
      layers: this.layers.map((l) => ({
        name: l.name,
        shape: [l.tiles.count, l.tiles.height, l.tiles.width],
        channels: l.channels,
        ranges: l.ranges.map((r) => [r.min, r.max]),
        values: l.tiles.values,
      })),
      lut: lutOf("viridis"),
      layer_index: this.layerIndex,
    };
  }

  protected override applyUpdate(state: Record<string, unknown>): void {
    const i = state.layer_index;
    if (typeof i === "number" && Number.isInteger(i) && i >= 0 && i < this.layers.length) this.layerIndex = i;
  }

  protected staticBundle(): MimeBundle {
    const layer = this.layers[this.layerIndex];
    const layout = { columns: Math.min(8, layer.tiles.count), zoom: zoomFor(layer.tiles.width, 56), gap: 2 };
    const names = this.layers.map((l) => `${l.name} (${l.channels} channels)`).join(", ");
    return {
      "text/plain": `FeatureMapBrowser ${JSON.stringify(this.title)}: ${names}; picture: ${layer.name}`,
      "image/png": tilesPng(layer.tiles, tileRanges(layer.tiles, true, "minmax"), layout, lutOf("viridis")),
    };
  }
}
