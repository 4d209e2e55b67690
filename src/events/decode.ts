// Turns serialized tensorboard.Event payloads into plain records: legacy values (simple_value, histo, image) and
// their plugin-tensor successors (scalars, histograms, images, text, hparams) become the same shapes, the way
// TensorBoard's data_compat upgrades them. Summary metadata appears only on a tag's first value, so the decoder
// remembers each tag's plugin.
import { EventProto, HParamsPluginDataProto, TO_OBJECT, toNumber } from "./schema";
import type { Histogram } from "./histogram";
import { prCurveFromRows, type PrCurve } from "./pr-curve";
import { bytesView, numbersOfTensor } from "./tensor-values";
import {
  audioOfLegacy,
  audioOfTensor,
  CorruptPayload,
  customScalarsLayout,
  meshPart,
  tensorValueOf,
  type MeshPart,
} from "./decode-kinds";
import type { AudioClip, CustomScalarsLayout, TensorValue } from "./kinds";

export interface ImageData {
  width: number;
  height: number;
  /** Encoded image bytes (PNG, JPEG or GIF), as stored. */
  encoded: Buffer;
}

export interface HparamsData {
  kind: "experiment" | "session_start_info" | "session_end_info";
  data: Record<string, unknown>;
}

export type SummaryItem =
  | { type: "scalar"; tag: string; value: number }
  | { type: "histogram"; tag: string; histogram: Histogram }
  | { type: "image"; tag: string; images: ImageData[] }
  | { type: "text"; tag: string; text: string }
  | { type: "prCurve"; tag: string; curve: PrCurve }
  | { type: "hparams"; tag: string; hparams: HparamsData }
  | { type: "audio"; tag: string; clips: AudioClip[] }
  | { type: "meshPart"; tag: string; mesh: MeshPart }
  | { type: "customScalars"; tag: string; layout: CustomScalarsLayout }
  | { type: "tensor"; tag: string; tensor: TensorValue }
  /** A value whose payload cannot be what its kind says (counted in ReadStats.corrupt, then skipped). */
  | { type: "corrupt"; tag: string; kind: string; reason: string }
  | { type: "foreign"; tag: string; kind: string };

export type EventRecord =
  | { kind: "file_version"; wallTime: number; step: number; version: string }
  | { kind: "summary"; wallTime: number; step: number; items: SummaryItem[] }
  | { kind: "graph"; wallTime: number; step: number; graphDef: Buffer }
  | { kind: "session_log"; wallTime: number; step: number; status: number }
  | { kind: "foreign"; wallTime: number; step: number; what: string };

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are dynamic */

function histogramFromProto(h: any): Histogram {
  return {
    min: h.min ?? 0,
    max: h.max ?? 0,
    num: h.num ?? 0,
    sum: h.sum ?? 0,
    sumSquares: h.sum_squares ?? 0,
    bucketLimits: h.bucket_limit ?? [],
    bucketCounts: h.bucket ?? [],
  };
}

/** A v2 histogram tensor of [k, 3] rows (left, right, count) as bucket limits (right edges) and counts. */
function histogramFromTensor(tensor: any): Histogram {
  const flat = numbersOfTensor(tensor);
  const rows = Math.floor(flat.length / 3);
  const bucketLimits: number[] = [];
  const bucketCounts: number[] = [];
  let num = 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const [left, right, count] = [flat[3 * r], flat[3 * r + 1], flat[3 * r + 2]];
    bucketLimits.push(right);
    bucketCounts.push(count);
    num += count;
    sum += ((left + right) / 2) * count;
  }
  const min = rows > 0 ? flat[0] : 0;
  const max = rows > 0 ? flat[3 * rows - 2] : 0;
  return { min, max, num, sum, sumSquares: NaN, bucketLimits, bucketCounts };
}

function imagesFromTensor(tensor: any): ImageData[] {
  const strings: Buffer[] = tensor.string_val ?? [];
  if (strings.length < 3) return [];
  const width = Number(strings[0].toString());
  const height = Number(strings[1].toString());
  return strings.slice(2).map((encoded) => ({ width, height, encoded }));
}

function textFromTensor(tensor: any): string {
  const strings: Buffer[] = tensor.string_val ?? [];
  const dims: number[] = (tensor.tensor_shape?.dim ?? []).map((d: any) => toNumber(d.size));
  const cells = strings.map((s) => s.toString("utf8"));
  if (dims.length === 2 && dims[0] * dims[1] === cells.length) {
    // TensorBoard renders a rank-2 text tensor as a table; Markdown keeps that meaning.
    const rows = Array.from(
      { length: dims[0] },
      (_, r) => `| ${cells.slice(r * dims[1], (r + 1) * dims[1]).join(" | ")} |`,
    );
    return [rows[0], `|${" --- |".repeat(dims[1])}`, ...rows.slice(1)].join("\n");
  }
  return cells.join("\n");
}

/** A [6, n] float tensor of the pr_curves plugin; anything else is not a curve TensorBoard could draw. */
function prCurveItem(tag: string, tensor: any): SummaryItem {
  const dims: number[] = (tensor.tensor_shape?.dim ?? []).map((d: any) => toNumber(d.size));
  const flat = numbersOfTensor(tensor);
  if (dims.length !== 2 || dims[0] !== 6 || dims[1] < 1 || flat.length !== 6 * dims[1])
    return { type: "foreign", tag, kind: "plugin:pr_curves" };
  return { type: "prCurve", tag, curve: prCurveFromRows(flat, dims[1]) };
}

function hparamsItem(tag: string, content: Uint8Array): SummaryItem {
  const decoded: any = HParamsPluginDataProto.toObject(HParamsPluginDataProto.decode(content), TO_OBJECT);
  const kind = (["experiment", "session_start_info", "session_end_info"] as const).find((k) => decoded[k]);
  if (!kind) return { type: "foreign", tag, kind: "plugin:hparams" };
  return { type: "hparams", tag, hparams: { kind, data: decoded[kind] } };
}

/** Remembers the plugin of every tag of one run (metadata is written only with a tag's first value). */
export class SummaryDecoder {
  private readonly pluginOfTag: Map<string, string>;

  /** `plugins` resumes a decoder that read earlier records of the run (maybe in a worker thread). */
  constructor(plugins: Iterable<[tag: string, plugin: string]> = []) {
    this.pluginOfTag = new Map(plugins);
  }

  /** The plugin of every tag seen so far. */
  plugins(): [tag: string, plugin: string][] {
    return [...this.pluginOfTag];
  }

  /**
   * The plugin of `tag` once a value of it whose metadata names `metadataPlugin` (undefined: no plugin_data) has
   * been seen: the first plugin named for a tag stays its plugin.
   */
  /** The plugin content of `tag` as its first value with plugin data gave it (the mesh plugin needs it). */
  private readonly contentOfTag = new Map<string, Uint8Array>();

  contentOf(tag: string, content: Uint8Array | undefined): Uint8Array | undefined {
    const known = this.contentOfTag.get(tag);
    if (known !== undefined || content === undefined || content.length === 0) return known ?? content;
    this.contentOfTag.set(tag, new Uint8Array(content));
    return content;
  }

  pluginOf(tag: string, metadataPlugin: string | undefined): string | undefined {
    const known = this.pluginOfTag.get(tag);
    if (known !== undefined || metadataPlugin === undefined) return known;
    this.pluginOfTag.set(tag, metadataPlugin);
    return metadataPlugin;
  }

  decodeValue(v: any): SummaryItem {
    const tag: string = v.tag || v.node_name || "";
    try {
      return this.decodeKnownValue(tag, v);
    } catch (error) {
      if (!(error instanceof CorruptPayload)) throw error;
      return { type: "corrupt", tag, kind: error.kind, reason: error.message };
    }
  }

  private decodeKnownValue(tag: string, v: any): SummaryItem {
    const plugin = this.pluginOf(tag, v.metadata?.plugin_data?.plugin_name);
    switch (v.value) {
      case "simple_value":
        return { type: "scalar", tag, value: v.simple_value };
      case "histo":
        return { type: "histogram", tag, histogram: histogramFromProto(v.histo) };
      case "image":
        return { type: "image", tag, images: [imageOfProto(v.image)] };
      case "tensor":
        return this.tensorItem(tag, plugin ?? "", v.tensor, v.metadata?.plugin_data?.content);
      case "audio":
        return { type: "audio", tag, clips: [audioOfLegacy(v.audio)] };
      case undefined:
        if (plugin === "hparams")
          return hparamsItem(tag, v.metadata?.plugin_data?.content ?? new Uint8Array());
        return { type: "foreign", tag, kind: plugin ? `plugin:${plugin}` : "empty" };
      default:
        return { type: "foreign", tag, kind: String(v.value) };
    }
  }

  private tensorItem(tag: string, plugin: string, tensor: any, content?: Uint8Array): SummaryItem {
    switch (plugin) {
      case "audio":
        return { type: "audio", tag, clips: audioOfTensor(tensor) };
      case "mesh":
        return { type: "meshPart", tag, mesh: meshPart(tag, this.contentOf(tag, content), tensor) };
      case "custom_scalars":
        return { type: "customScalars", tag, layout: customScalarsLayout(tensor) };
      case "tensor":
      case "":
        return { type: "tensor", tag, tensor: tensorValueOf(tensor, plugin) };
      case "scalars": {
        const [value] = numbersOfTensor(tensor);
        return value === undefined
          ? { type: "foreign", tag, kind: "plugin:scalars" }
          : { type: "scalar", tag, value };
      }
      case "histograms":
        return { type: "histogram", tag, histogram: histogramFromTensor(tensor) };
      case "images":
        return { type: "image", tag, images: imagesFromTensor(tensor) };
      case "text":
        return { type: "text", tag, text: textFromTensor(tensor) };
      case "pr_curves":
        return prCurveItem(tag, tensor);
      default:
        return { type: "foreign", tag, kind: `plugin:${plugin || "tensor"}` };
    }
  }
}

function imageOfProto(image: any): ImageData {
  return {
    width: image.width ?? 0,
    height: image.height ?? 0,
    encoded: bytesView(image.encoded_image_string),
  };
}

/** The images and audio clips of a record, whose bytes the reader stores lazily. */
export function encodedHolders(record: EventRecord): { encoded: Buffer }[] {
  if (record.kind !== "summary") return [];
  const holders: { encoded: Buffer }[] = [];
  for (const item of record.items) {
    if (item.type === "image") holders.push(...item.images);
    else if (item.type === "audio") holders.push(...item.clips);
  }
  return holders;
}

/** Decodes one Event payload; throws on bytes that are not an Event (callers count those). */
export function decodeEvent(payload: Uint8Array, decoder: SummaryDecoder): EventRecord {
  const e: any = EventProto.decode(payload);
  const wallTime: number = e.wall_time ?? 0;
  const step = toNumber(e.step);
  switch (e.what) {
    case "summary":
      return {
        kind: "summary",
        wallTime,
        step,
        items: (e.summary.value ?? []).map((v: any) => decoder.decodeValue(v)),
      };
    case "file_version":
      return { kind: "file_version", wallTime, step, version: e.file_version };
    case "graph_def":
      return { kind: "graph", wallTime, step, graphDef: Buffer.from(e.graph_def) };
    case "session_log":
      return { kind: "session_log", wallTime, step, status: e.session_log.status ?? 0 };
    default:
      return { kind: "foreign", wallTime, step, what: e.what ?? "empty" };
  }
}
