// Finding a LayersModel's layers: by name, by "outer/inner" path inside nested models, by index or as the layer
// itself; and which outputs a layer feeds. The layer walker (graph.ts) and the model interface's LayersModel
// adapter name layers this way.
import type { Container as ContainerClass } from "@tensorflow/tfjs-layers/dist/engine/container";
import type { Node } from "@tensorflow/tfjs-layers/dist/engine/topology";
import { tf } from "../backend";
import { editDistance } from "../model/names";

export type Layer = tf.layers.Layer;
export type Container = ContainerClass;
/**
 * A layer name (nested model: "outer/inner" path), an index into model.layers (negative: from the end), or the
 * layer object itself (must belong to the model).
 */
export type LayerRef = string | number | Layer;

/** Whether the model's output `outputIndex` is computed from `ref` (a layer in a nested model: from that model). */
export function outputDependsOn(model: tf.LayersModel, ref: LayerRef, outputIndex = 0): boolean {
  const layer = resolveLayer(model, ref);
  const seen = new Set<Node>();
  const visit = (node: Node): boolean => {
    if (seen.has(node)) return false;
    seen.add(node);
    const current = node.outboundLayer;
    if (current === layer || (isContainer(current) && findLayer(current, layer))) return true;
    return node.inboundLayers.some((from, j) => visit(from.inboundNodes[node.nodeIndices[j]]));
  };
  const output = (model as unknown as Container).outputs[outputIndex];
  return visit(output.sourceLayer.inboundNodes[output.nodeIndex]);
}

export function isContainer(layer: Layer): layer is Container {
  return "nodesByDepth" in layer && Array.isArray((layer as Partial<Container>).layers);
}

/** Whether `target` is `container` or lies (at any depth) inside it. */
export function findLayer(container: Container, target: Layer): boolean {
  return container.layers.some((l) => l === target || (isContainer(l) && findLayer(l, target)));
}

/** Every layer with its path ("outer/inner" inside nested models), depth-first in model order. */
export function layerPaths(model: tf.LayersModel | Container): { path: string; layer: Layer }[] {
  return (model as Container).layers.flatMap((layer) => [
    { path: layer.name, layer },
    ...(isContainer(layer)
      ? layerPaths(layer).map((e) => ({ path: `${layer.name}/${e.path}`, layer: e.layer }))
      : []),
  ]);
}

/** Finds a layer by name, "outer/inner" path, a name unique inside nested models, or index into model.layers. */
export function resolveLayer(model: tf.LayersModel, ref: LayerRef): Layer {
  const layers = (model as unknown as Container).layers;
  if (typeof ref === "number") {
    const index = ref < 0 ? layers.length + ref : ref;
    if (!Number.isInteger(ref) || index < 0 || index >= layers.length) {
      throw new RangeError(
        `layer index ${ref} is outside model "${model.name}", which has ${layers.length} layers (0..${layers.length - 1})`,
      );
    }
    return layers[index];
  }
  if (ref instanceof tf.layers.Layer) {
    if (layerPaths(model).some((e) => e.layer === ref)) return ref;
    throw new Error(`layer "${ref.name}" is not part of model "${model.name}"`);
  }
  if (typeof ref !== "string") {
    throw new TypeError(`a layer is named by a string or indexed by a number, got ${typeof ref}`);
  }
  const all = layerPaths(model);
  const byPath = all.find((e) => e.path === ref);
  if (byPath) return byPath.layer;
  const byName = all.filter((e) => e.layer.name === ref);
  if (byName.length === 1) return byName[0].layer;
  if (byName.length > 1) {
    throw new Error(
      `layer name "${ref}" is ambiguous in model "${model.name}"; use a path: ${byName.map((e) => e.path).join(", ")}`,
    );
  }
  const nearest = all
    .map((e) => ({
      path: e.path,
      distance: Math.min(editDistance(ref, e.path), editDistance(ref, e.layer.name)),
    }))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 5)
    .map((e) => `"${e.path}"`);
  throw new Error(`no layer "${ref}" in model "${model.name}"; nearest names: ${nearest.join(", ")}`);
}
