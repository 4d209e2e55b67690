// A tfjs LayersModel's topology as a TensorFlow GraphDef for TensorBoard's Graphs tab. Each layer becomes a name
// scope holding its operation node (op = layer class) and one node per weight, so the tab shows layers as
// expandable boxes with shapes on the edges, the way PyTorch's add_graph scopes modules.
import { GraphDefProto, DT } from "./schema";

interface LayerLike {
  name: string;
  getClassName(): string;
  inboundNodes?: { inboundLayers: LayerLike[] }[];
  weights?: { originalName?: string; name: string; shape: (number | null)[] }[];
  outputShape?: unknown;
}
export interface ModelLike {
  readonly layers: LayerLike[];
}

function shapeProto(shape: unknown): Record<string, unknown> {
  if (!Array.isArray(shape)) return { unknown_rank: true };
  return { dim: shape.map((size) => ({ size: typeof size === "number" ? size : -1 })) };
}

/** Output shapes of a layer (one or several outputs); -1 marks the batch or any unknown dimension. */
function outputShapes(layer: LayerLike): Record<string, unknown>[] {
  let shape: unknown;
  try {
    shape = layer.outputShape;
  } catch {
    return [];
  }
  if (Array.isArray(shape) && shape.length > 0 && Array.isArray(shape[0])) return shape.map(shapeProto);
  return [shapeProto(shape)];
}

const opNodeName = (layer: LayerLike): string => `${layer.name}/${layer.getClassName()}`;

function allLayers(model: ModelLike): LayerLike[] {
  const seen = new Map<string, LayerLike>();
  const visit = (layer: LayerLike): void => {
    if (seen.has(layer.name)) return;
    for (const node of layer.inboundNodes ?? []) node.inboundLayers.forEach(visit);
    seen.set(layer.name, layer);
  };
  model.layers.forEach(visit);
  return [...seen.values()];
}

function layerNodes(layer: LayerLike): Record<string, unknown>[] {
  const inputs = (layer.inboundNodes ?? []).flatMap((node) => node.inboundLayers.map(opNodeName));
  const weightNodes = (layer.weights ?? []).map((w) => {
    const short = (w.originalName ?? w.name).split("/").pop() ?? w.name;
    return {
      name: `${layer.name}/${short}`,
      op: "VariableV2",
      attr: { _output_shapes: { list: { shape: [shapeProto(w.shape)] } }, dtype: { type: DT.FLOAT } },
    };
  });
  const opNode = {
    name: opNodeName(layer),
    op: layer.getClassName(),
    input: [...inputs, ...weightNodes.map((w) => w.name)],
    attr: { _output_shapes: { list: { shape: outputShapes(layer) } } },
  };
  return [...weightNodes, opNode];
}

/** Serialized GraphDef of the model's layers. */
export function modelToGraphDef(model: ModelLike): Uint8Array {
  if (!model || !Array.isArray(model.layers)) {
    throw new TypeError(
      "addGraph expects a tfjs LayersModel (tf.sequential() or tf.model()), got " + String(model),
    );
  }
  const nodes = allLayers(model).flatMap(layerNodes);
  return GraphDefProto.encode({ node: nodes, versions: { producer: 22 } }).finish();
}
