// Decoding the summary kinds beyond scalars, histograms, images, text and PR curves: audio (legacy
// Summary.Audio or the audio plugin's [k, 2] string tensor), mesh parts (the mesh plugin's VERTEX/FACE/COLOR
// tensors), the custom-scalars layout and raw tensors. A payload that cannot be what it claims throws a
// CorruptPayload, which the decoder turns into a counted, skipped value.
import { LayoutProto, MeshPluginDataProto, TO_OBJECT, DT } from "./schema";
import { bytesView, DTYPE_NAMES, fullNumbersOfTensor, shapeOfTensor } from "./tensor-values";
import type { AudioClip, CustomScalarChart, CustomScalarsLayout, TensorValue } from "./kinds";

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf messages are dynamic */

export class CorruptPayload extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(`corrupt ${kind} payload: ${message}`);
  }
}

export interface WavInfo {
  sampleRate: number;
  numChannels: number;
  lengthFrames: number;
}

/** The format of a RIFF/WAVE file, from its "fmt " and "data" chunks; throws CorruptPayload if it is not one. */
export function wavInfo(wav: Uint8Array): WavInfo {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const text = (at: number): string => String.fromCharCode(...wav.subarray(at, at + 4));
  if (wav.length < 12 || text(0) !== "RIFF" || text(8) !== "WAVE")
    throw new CorruptPayload("audio", "not a RIFF/WAVE file");
  let format: { numChannels: number; sampleRate: number; blockAlign: number } | undefined;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = text(at);
    const size = view.getUint32(at + 4, true);
    if (id === "fmt " && size >= 16 && at + 24 <= wav.length) {
      format = {
        numChannels: view.getUint16(at + 10, true),
        sampleRate: view.getUint32(at + 12, true),
        blockAlign: view.getUint16(at + 20, true),
      };
    } else if (id === "data" && format && format.blockAlign > 0) {
      const bytes = Math.min(size, wav.length - at - 8);
      return {
        sampleRate: format.sampleRate,
        numChannels: format.numChannels,
        lengthFrames: Math.floor(bytes / format.blockAlign),
      };
    }
    at += 8 + size + (size % 2);
  }
  throw new CorruptPayload("audio", "no fmt/data chunks in the WAV file");
}

/** A clip stored as Summary.Audio (PyTorch, tensorboardX). */
export function audioOfLegacy(audio: any): AudioClip {
  const encoded = bytesView(audio.encoded_audio_string);
  const contentType: string = audio.content_type || "audio/wav";
  const info = contentType === "audio/wav" ? wavInfo(encoded) : undefined;
  return {
    encoded,
    contentType,
    sampleRate: audio.sample_rate ?? info?.sampleRate ?? 0,
    numChannels: toNum(audio.num_channels) || (info?.numChannels ?? 0),
    lengthFrames: toNum(audio.length_frames) || (info?.lengthFrames ?? 0),
    label: "",
  };
}

/** The audio plugin's tensor: [k, 2] strings (WAV, Markdown label), or [k] WAVs. */
export function audioOfTensor(tensor: any): AudioClip[] {
  const strings: Buffer[] = tensor.string_val ?? [];
  const shape = shapeOfTensor(tensor);
  const columns = shape.length === 2 ? shape[1] : 1;
  if (columns < 1 || strings.length % columns !== 0)
    throw new CorruptPayload("audio", `tensor of shape [${shape}] holds ${strings.length} strings`);
  const clips: AudioClip[] = [];
  for (let i = 0; i < strings.length; i += columns) {
    const encoded = bytesView(strings[i]);
    const info = wavInfo(encoded);
    const label = columns > 1 ? strings[i + 1].toString("utf8") : "";
    clips.push({ encoded, contentType: "audio/wav", ...info, label });
  }
  return clips;
}

const toNum = (v: any): number => (typeof v === "number" ? v : v ? Number(v) : 0);

export const MESH_PARTS = { 1: "vertices", 2: "faces", 3: "colors" } as const;

export interface MeshPart {
  name: string;
  part: (typeof MESH_PARTS)[keyof typeof MESH_PARTS];
  values: number[];
  config: Record<string, unknown>;
}

/** One of the mesh plugin's three tensors, named by its metadata (the tag is "<name>_VERTEX" etc.). */
export function meshPart(tag: string, content: Uint8Array | undefined, tensor: any): MeshPart {
  if (!content) throw new CorruptPayload("mesh", `${tag} has no mesh plugin data`);
  let data: any;
  try {
    data = MeshPluginDataProto.toObject(MeshPluginDataProto.decode(content), TO_OBJECT);
  } catch (error) {
    throw new CorruptPayload("mesh", `${tag}: ${String(error)}`);
  }
  const part = MESH_PARTS[data.content_type as keyof typeof MESH_PARTS];
  if (!part) throw new CorruptPayload("mesh", `${tag} has content type ${data.content_type}`);
  const values = fullNumbersOfTensor(tensor);
  const shape = shapeOfTensor(tensor);
  if (shape.at(-1) !== 3 || values.length % 3 !== 0 || values.length !== shape.reduce((a, b) => a * b, 1))
    throw new CorruptPayload(
      "mesh",
      `${tag}: expected [..., 3] values, got shape [${shape}] with ${values.length}`,
    );
  let config: Record<string, unknown> = {};
  try {
    if (data.json_config) config = JSON.parse(data.json_config);
  } catch {
    throw new CorruptPayload("mesh", `${tag}: json_config is not JSON`);
  }
  return { name: data.name || tag.replace(/_(VERTEX|FACE|COLOR)$/, ""), part, values, config };
}

function chartOf(chart: any): CustomScalarChart {
  if (chart.margin)
    return {
      title: chart.title ?? "",
      kind: "margin",
      series: (chart.margin.series ?? []).map((s: any) => ({
        value: s.value ?? "",
        lower: s.lower ?? "",
        upper: s.upper ?? "",
      })),
    };
  return { title: chart.title ?? "", kind: "multiline", tags: chart.multiline?.tag ?? [] };
}

/** The serialized Layout held in the custom-scalars plugin's string scalar. */
export function customScalarsLayout(tensor: any): CustomScalarsLayout {
  const [bytes] = tensor.string_val ?? [];
  if (!bytes) throw new CorruptPayload("custom_scalars", "no layout in the tensor");
  let layout: any;
  try {
    layout = LayoutProto.toObject(LayoutProto.decode(bytes), TO_OBJECT);
  } catch (error) {
    throw new CorruptPayload("custom_scalars", String(error));
  }
  return {
    categories: (layout.category ?? []).map((c: any) => ({
      title: c.title ?? "",
      closed: Boolean(c.closed),
      charts: (c.chart ?? []).map(chartOf),
    })),
  };
}

/** Any tensor as plain values (addTensor's, or an unknown plugin's). */
export function tensorValueOf(tensor: any, plugin: string): TensorValue {
  const dtype = DTYPE_NAMES[tensor.dtype] ?? `dtype${tensor.dtype}`;
  const shape = shapeOfTensor(tensor);
  const values =
    tensor.dtype === DT.STRING
      ? (tensor.string_val ?? []).map((s: Buffer) => Buffer.from(s).toString("utf8"))
      : fullNumbersOfTensor(tensor);
  return { dtype, shape, values, plugin };
}
