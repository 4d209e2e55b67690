// A GraphModel's own GraphDef for TensorBoard's Graphs tab (the graph the dashboard was made for): every node of
// the loaded graph with its op, inputs and attributes, converted from the JSON form tfjs-converter writes
// (enum names, camelCase, base64 bytes) to the proto fields; weights stay out (the Const nodes keep their dtype
// and shape). Edges carry the shapes the model interface learns from one run, when the input sizes are static.
import type { tf } from "../backend";
import { inspectModel, type GraphModelAdapter, type Shape } from "../model";
import { graphOf } from "../model/graph-topology";
import { GraphDefProto } from "./schema";

/** TensorFlow's DataType enum (types.proto), for the names tfjs-converter writes. */
const DATA_TYPES: Record<string, number> = {
  DT_INVALID: 0,
  DT_FLOAT: 1,
  DT_DOUBLE: 2,
  DT_INT32: 3,
  DT_UINT8: 4,
  DT_INT16: 5,
  DT_INT8: 6,
  DT_STRING: 7,
  DT_COMPLEX64: 8,
  DT_INT64: 9,
  DT_BOOL: 10,
  DT_QINT8: 11,
  DT_QUINT8: 12,
  DT_QINT32: 13,
  DT_BFLOAT16: 14,
  DT_QINT16: 15,
  DT_QUINT16: 16,
  DT_UINT16: 17,
  DT_COMPLEX128: 18,
  DT_HALF: 19,
  DT_RESOURCE: 20,
  DT_VARIANT: 21,
  DT_UINT32: 22,
  DT_UINT64: 23,
};

type Json = { [key: string]: unknown };

export interface GraphDefNode {
  name: string;
  op: string;
  inputNames: string[];
  rawAttrs?: Json;
  /** The node's output shape, when known. */
  shape?: (number | null)[] | null;
}

const dataType = (value: unknown) => (typeof value === "number" ? value : (DATA_TYPES[String(value)] ?? 0));
const bytes = (value: unknown) => Buffer.from(String(value), "base64");

function shape(json: Json | undefined): Json {
  if (!json) return { unknown_rank: true };
  const dims = (json.dim as Json[] | undefined) ?? [];
  return {
    dim: dims.map((d) => ({ size: Number(d.size ?? -1), name: d.name })),
    unknown_rank: Boolean(json.unknownRank ?? json.unknown_rank),
  };
}

function listValue(json: Json): Json {
  return {
    s: ((json.s as unknown[]) ?? []).map(bytes),
    i: ((json.i as unknown[]) ?? []).map(Number),
    f: ((json.f as unknown[]) ?? []).map(Number),
    b: (json.b as boolean[]) ?? [],
    type: ((json.type as unknown[]) ?? []).map(dataType),
    shape: ((json.shape as Json[]) ?? []).map(shape),
  };
}

/** One attribute value; null for kinds the Graphs tab does not read (functions, placeholders). */
function attrValue(json: Json): Json | null {
  if ("list" in json) return { list: listValue(json.list as Json) };
  if ("s" in json) return { s: bytes(json.s) };
  if ("i" in json) return { i: Number(json.i) };
  if ("f" in json) return { f: Number(json.f) };
  if ("b" in json) return { b: Boolean(json.b) };
  if ("type" in json) return { type: dataType(json.type) };
  if ("shape" in json) return { shape: shape(json.shape as Json) };
  if ("tensor" in json) {
    const tensor = json.tensor as Json;
    return { tensor: { dtype: dataType(tensor.dtype), tensor_shape: shape(tensor.tensorShape as Json) } };
  }
  return null;
}

function nodeDef(node: GraphDefNode): Json {
  const attr: Json = {};
  for (const [key, value] of Object.entries(node.rawAttrs ?? {})) {
    const converted = value && typeof value === "object" ? attrValue(value as Json) : null;
    if (converted) attr[key] = converted;
  }
  if (node.shape) {
    const dims = node.shape.map((d) => ({ size: d ?? -1 }));
    attr._output_shapes = { list: { shape: [{ dim: dims }] } };
  }
  return { name: node.name, op: node.op, input: node.inputNames, attr };
}

/** Serialized GraphDef of a GraphModel's nodes. */
export function graphNodesToGraphDef(nodes: GraphDefNode[], producer: number): Uint8Array {
  const message = GraphDefProto.fromObject({ node: nodes.map(nodeDef), versions: { producer } });
  return GraphDefProto.encode(message).finish();
}

const openBatch = (shape: Shape | null, open: boolean): Shape | null =>
  open && shape && shape.length > 0 && shape[0] === 1 ? [null, ...shape.slice(1)] : shape;

function producerOf(model: tf.GraphModel): number {
  const versions = (
    model as unknown as { artifacts?: { modelTopology?: { versions?: { producer?: number } } } }
  ).artifacts?.modelTopology?.versions;
  return versions?.producer ?? 22;
}

/**
 * A GraphModel's GraphDef as addGraph writes it and graph(model) draws it: the nodes tfjs loaded, with the output
 * shapes the model interface learns from one run on zeros (a converted model's JSON declares none).
 */
export function graphModelToGraphDef(model: tf.GraphModel, caller: string): Uint8Array {
  const adapter = inspectModel(model, caller) as GraphModelAdapter;
  const nodes = Object.values(graphOf(model).nodes) as unknown as GraphDefNode[];
  const byName = new Map(adapter.nodes().map((n) => [n.name, n]));
  const inputShapes = new Map(adapter.inputs.map((spec) => [spec.name, spec.shape]));
  // Shapes come from a run with batch 1: where the inputs leave the batch open, so do the outputs (as summary()).
  const openBatchSize = adapter.inputs.some((spec) => spec.shape[0] === null);
  return graphNodesToGraphDef(
    nodes.map((n) => {
      const node = byName.get(n.name);
      return {
        name: n.name,
        op: n.op,
        inputNames: n.inputNames,
        rawAttrs: n.rawAttrs,
        shape: node ? openBatch(adapter.outputShape(node), openBatchSize) : (inputShapes.get(n.name) ?? null),
      };
    }),
    producerOf(model),
  );
}
