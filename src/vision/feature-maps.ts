// Feature maps (tutorial 7.2.2): a layer's activations for an input, and a grid of its channels. The model's
// own nodes run up to that layer (graph.ts), so inner layers of functional graphs and nested models work and
// the model is never edited (no hooks, no sub-models).
import { tf } from "../backend";
import {
  inspectModel,
  type AnyModel,
  type InspectableModel,
  type ModelInputs,
  type ModelNode,
  type NodeRef,
} from "../model";
import { batchInputs } from "../model/inputs";
import { elide, spatialNodes } from "../model/spatial";
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

function notSpatial(model: InspectableModel, node: ModelNode, shape: string): Error {
  const spatial = spatialNodes(model);
  return new RangeError(
    `layer "${node.name}" (${node.kind}) outputs ${shape}, not feature maps [batch, height, width, ` +
      `channels]; layers with spatial outputs: ${elide(spatial) || "none"}`,
  );
}

/** Runs the model once and returns the nodes' outputs for the batch (new tensors), each checked to be 4-D. */
export function layerActivations(model: AnyModel, refs: NodeRef[], input: ModelInputs): tf.Tensor4D[] {
  const m = inspectModel(model, "featureMaps");
  const nodes = refs.map((ref) => m.resolve(ref));
  nodes.forEach((node) => {
    const shape = m.outputShape(node, { run: false });
    if (shape && shape.length !== 4) throw notSpatial(m, node, JSON.stringify(shape));
  });
  const { xs, added } = batchInputs(m, input);
  try {
    const { captured } = m.run(xs, { capture: nodes, capturesOnly: true });
    const flat = captured.findIndex((a) => a.rank !== 4);
    if (flat >= 0) {
      const shape = JSON.stringify(captured[flat].shape);
      tf.dispose(captured);
      throw notSpatial(m, nodes[flat], shape);
    }
    return captured as tf.Tensor4D[];
  } finally {
    tf.dispose(added);
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
 * `featureMaps(model, layer, input, options)`: the activations of a layer (name, "outer/inner" path, a GraphModel
 * node's full name, unique suffix or name scope, or an index) for an input batch (or one image without the batch
 * axis; several inputs as a list or name → tensor map), with a grid of one sample's channels that displays in a
 * notebook (`display(featureMaps(model, 3, img))`) and saves with `.savePng(path)`. A list of layers gives a list
 * of results from one forward pass. The `activations` tensors are the caller's to dispose; the input is left alone.
 */
export function featureMaps(
  model: AnyModel,
  layer: NodeRef,
  input: ModelInputs,
  options: FeatureMapOptions & { interactive: true },
): Displayable;
export function featureMaps(
  model: AnyModel,
  layers: NodeRef[],
  input: ModelInputs,
  options?: FeatureMapOptions,
): FeatureMaps[];
export function featureMaps(
  model: AnyModel,
  layer: NodeRef,
  input: ModelInputs,
  options?: FeatureMapOptions,
): FeatureMaps;
export function featureMaps(
  model: AnyModel,
  layer: NodeRef | NodeRef[],
  input: ModelInputs,
  options: FeatureMapOptions = {},
): FeatureMaps | FeatureMaps[] | Displayable {
  if (options.interactive) return makeInteractive("featureMaps", model, layer, input);
  const refs = Array.isArray(layer) ? layer : [layer];
  const all = layerActivations(model, refs, input);
  const m = inspectModel(model);
  try {
    const results = all.map((activations, i) => drawable(activations, m.resolve(refs[i]).name, options));
    return Array.isArray(layer) ? results : results[0];
  } catch (error) {
    tf.dispose(all);
    throw error;
  }
}

function drawable(activations: tf.Tensor4D, name: string, options: FeatureMapOptions): FeatureMaps {
  const [batch, h, w, channels] = activations.shape;
  const { sample, maxMaps } = checkOptions(options, batch);
  const count = Math.min(channels, maxMaps);
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
}
