// Feature maps (tutorial 7.2.2): a layer's activations for an input, and a grid of its channels. The model's
// own nodes run up to that layer (graph.ts), so inner layers of functional graphs and nested models work and
// the model is never edited (no hooks, no sub-models).
import { tf } from "../backend";
import { resolveLayer, runModel, layerPaths, type LayerRef, type Layer } from "./graph";
import { batchInput } from "./model-input";
import { renderGrid, type GridTile } from "../image/grid";
import { colorize, valueRange, type ColormapName, type Colormap, type ValueRange } from "../image/colormap";
import type { RgbaImage } from "../image/png";
import { ImageView } from "../image/view";
import type { Displayable } from "../display";
import { makeInteractive } from "../interactive";

export interface FeatureMapOptions {
  /** Return a live widget (tensorscope/widgets, in the kernel) instead of the static picture. */
  interactive?: boolean;
  /** Which item of the batch to draw (default 0). */
  sample?: number;
  /** At most this many channels are drawn, the first ones (default 64). */
  maxMaps?: number;
  /** Min-max per map (default: compare shapes) or one range for the layer (compare magnitudes). */
  normalize?: "map" | "layer";
  /** Default "viridis". */
  colormap?: ColormapName | Colormap;
  /** Channel numbers under the tiles (default true). */
  labels?: boolean;
  /** Integer enlargement of each tile (default: tiles at least 48 px). */
  scale?: number;
  /** Tiles per row (default: a square-ish grid). */
  columns?: number;
}

/** A layer's activations and their picture. `activations` is the caller's to dispose (`dispose()`). */
export class FeatureMaps extends ImageView {
  constructor(
    image: RgbaImage | (() => RgbaImage),
    description: string,
    /** The layer's output for the whole batch, [batch, height, width, channels]. */
    readonly activations: tf.Tensor4D,
    readonly layerName: string,
  ) {
    super(image, description);
  }

  dispose(): void {
    this.activations.dispose();
  }
}

function staticOutputRank(layer: Layer): number | undefined {
  try {
    const shape = layer.outputShape;
    return Array.isArray(shape[0]) ? undefined : shape.length;
  } catch {
    return undefined; // a layer called more than once has no single output shape
  }
}

function notSpatial(model: tf.LayersModel, layer: Layer, shape: string): Error {
  const spatial = layerPaths(model)
    .filter((e) => staticOutputRank(e.layer) === 4)
    .map((e) => `"${e.path}"`);
  return new RangeError(
    `layer "${layer.name}" (${layer.getClassName()}) outputs ${shape}, not feature maps [batch, height, width, ` +
      `channels]; layers with spatial outputs: ${spatial.slice(0, 12).join(", ") || "none"}`,
  );
}

/** Runs the model up to the layer and returns its output for the batch (a new tensor). */
export function layerActivations(model: tf.LayersModel, layerRef: LayerRef, input: tf.Tensor): tf.Tensor4D {
  const layer = resolveLayer(model, layerRef);
  const rank = staticOutputRank(layer);
  if (rank !== undefined && rank !== 4) throw notSpatial(model, layer, JSON.stringify(layer.outputShape));
  const { x, batched } = batchInput(model, input);
  try {
    const [activations] = runModel(model, x, { capture: [layer], stopAfterCapture: true }).captured;
    if (activations.rank !== 4) {
      const shape = JSON.stringify(activations.shape);
      activations.dispose();
      throw notSpatial(model, layer, shape);
    }
    return activations as tf.Tensor4D;
  } finally {
    if (batched) x.dispose();
  }
}

function mapTiles(
  maps: tf.Tensor3D,
  count: number,
  options: FeatureMapOptions,
): { tiles: GridTile[]; range?: ValueRange } {
  const [h, w, channels] = maps.shape;
  const all = maps.dataSync() as Float32Array;
  const shared = options.normalize === "layer" ? valueRange(all) : undefined;
  const tiles: GridTile[] = [];
  for (let c = 0; c < count; c++) {
    const values = Float32Array.from({ length: h * w }, (_, p) => all[p * channels + c]);
    const image = colorize(values, h, w, { colormap: options.colormap ?? "viridis", range: shared });
    tiles.push({ image, label: options.labels === false ? undefined : `${c}` });
  }
  return { tiles, range: shared };
}

function checkOptions(options: FeatureMapOptions, batch: number): { sample: number; maxMaps: number } {
  const sample = options.sample ?? 0;
  if (!Number.isInteger(sample) || sample < 0 || sample >= batch) {
    throw new RangeError(`sample must be an index into the batch of ${batch}, got ${sample}`);
  }
  const maxMaps = options.maxMaps ?? 64;
  if (!Number.isInteger(maxMaps) || maxMaps < 1)
    throw new RangeError(`maxMaps must be a positive integer, got ${maxMaps}`);
  if (options.normalize !== undefined && options.normalize !== "map" && options.normalize !== "layer") {
    throw new RangeError(`normalize must be "map" or "layer", got "${options.normalize}"`);
  }
  return { sample, maxMaps };
}

/**
 * `featureMaps(model, layer, input, options)`: the activations of a layer (name, "outer/inner" path or index)
 * for an input batch (or one image without the batch axis), with a grid of one sample's channels that displays
 * in a notebook (`display(featureMaps(model, 3, img))`) and saves with `.savePng(path)`. The `activations`
 * tensor is the caller's to dispose; the input is left alone.
 */
export function featureMaps(
  model: tf.LayersModel,
  layer: LayerRef,
  input: tf.Tensor,
  options: FeatureMapOptions & { interactive: true },
): Displayable;
export function featureMaps(
  model: tf.LayersModel,
  layer: LayerRef,
  input: tf.Tensor,
  options?: FeatureMapOptions,
): FeatureMaps;
export function featureMaps(
  model: tf.LayersModel,
  layer: LayerRef,
  input: tf.Tensor,
  options: FeatureMapOptions = {},
): FeatureMaps | Displayable {
  if (options.interactive) return makeInteractive("featureMaps", model, layer, input);
  const activations = layerActivations(model, layer, input);
  try {
    const [batch, h, w, channels] = activations.shape;
    const { sample, maxMaps } = checkOptions(options, batch);
    const count = Math.min(channels, maxMaps);
    const name = resolveLayer(model, layer).name;
    const scale = options.normalize === "layer" ? "one range for the layer" : "min-max per map";
    const title = `${name} feature maps ${h}x${w}x${channels}\nsample ${sample}, ${count} of ${channels} maps, ${scale}`;
    // drawn when first displayed or saved, from the activations the result owns
    const draw = () => {
      if (activations.isDisposed) throw new Error("these feature maps were disposed before they were drawn");
      const one = tf.tidy(
        () => activations.slice([sample, 0, 0, 0], [1, h, w, channels]).squeeze([0]) as tf.Tensor3D,
      );
      const { tiles, range } = mapTiles(one, count, options);
      one.dispose();
      return renderGrid(tiles, {
        title,
        scale: options.scale,
        columns: options.columns,
        colorbar: range ? { colormap: options.colormap ?? "viridis", range } : undefined,
      });
    };
    return new FeatureMaps(draw, title.replace("\n", ": "), activations, name);
  } catch (error) {
    activations.dispose();
    throw error;
  }
}
