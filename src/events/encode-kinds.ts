// Summary values of the kinds PyTorch's SummaryWriter writes beyond scalars, histograms, images, text and PR
// curves, laid out as torch.utils.tensorboard.summary builds them (so TensorBoard's plugins read them).
import { pluginMetadata, type SummaryValueInit } from "./encode";
import { DT, LayoutProto, MeshPluginDataProto } from "./schema";
import type { CustomScalarsLayout } from "./kinds";

/** A scalar as tf.summary.scalar and PyTorch's new_style write it: a rank-0 float (or double) tensor. */
export function newStyleScalarValue(tag: string, value: number, doublePrecision: boolean): SummaryValueInit {
  return {
    tag,
    metadata: pluginMetadata("scalars"),
    tensor: doublePrecision
      ? { dtype: DT.DOUBLE, tensor_shape: {}, double_val: [value] }
      : { dtype: DT.FLOAT, tensor_shape: {}, float_val: [value] },
  };
}

/** Audio as PyTorch's add_audio writes it: a legacy Summary.Audio holding a WAV. */
export function audioValue(
  tag: string,
  wav: Buffer,
  sampleRate: number,
  frames: number,
  channels: number,
): SummaryValueInit {
  return {
    tag,
    audio: {
      sample_rate: sampleRate,
      num_channels: channels,
      length_frames: frames,
      encoded_audio_string: wav,
      content_type: "audio/wav",
    },
  };
}

export const MESH_CONTENT = { VERTEX: 1, FACE: 2, COLOR: 3 } as const;
const MESH_DTYPE = { VERTEX: DT.FLOAT, FACE: DT.INT32, COLOR: DT.UINT8 } as const;

export interface MeshComponent {
  kind: keyof typeof MESH_CONTENT;
  shape: number[];
  values: ArrayLike<number>;
}

/** The mesh plugin's values: one tensor per component, tagged "<tag>_VERTEX" etc., sharing a components mask. */
export function meshValues(
  tag: string,
  components: MeshComponent[],
  config: Record<string, unknown> | undefined,
): SummaryValueInit[] {
  const mask = components.reduce((bits, c) => bits | (1 << MESH_CONTENT[c.kind]), 0);
  const jsonConfig = config === undefined ? "{}" : JSON.stringify(sortedKeys(config));
  return components.map((c) => {
    const content = MeshPluginDataProto.encode({
      version: 0,
      name: tag,
      content_type: MESH_CONTENT[c.kind],
      json_config: jsonConfig,
      shape: c.shape,
      components: mask,
    }).finish();
    const numbers = Array.from(c.values);
    const dtype = MESH_DTYPE[c.kind];
    return {
      tag: `${tag}_${c.kind}`,
      metadata: pluginMetadata("mesh", content),
      tensor: {
        dtype,
        tensor_shape: { dim: c.shape.map((size) => ({ size })) },
        ...(dtype === DT.FLOAT ? { float_val: numbers } : { int_val: numbers }),
      },
    };
  });
}

/** Python's json.dumps(config, sort_keys=True) orders keys; so do we, so both writers' configs compare equal. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Object.fromEntries(entries.map(([k, v]) => [k, sortedKeys(v)]));
}

export const CUSTOM_SCALARS_TAG = "custom_scalars__config__";

/** The custom-scalars plugin's Layout, serialized into a string scalar under its fixed tag. */
export function customScalarsValue(layout: CustomScalarsLayout): SummaryValueInit {
  const proto = {
    category: layout.categories.map((category) => ({
      title: category.title,
      closed: category.closed,
      chart: category.charts.map((chart) =>
        chart.kind === "margin"
          ? { title: chart.title, margin: { series: chart.series } }
          : { title: chart.title, multiline: { tag: chart.tags } },
      ),
    })),
  };
  return {
    tag: CUSTOM_SCALARS_TAG,
    metadata: pluginMetadata("custom_scalars"),
    tensor: { dtype: DT.STRING, tensor_shape: {}, string_val: [LayoutProto.encode(proto).finish()] },
  };
}

const TENSOR_DTYPES: Record<string, number> = {
  float32: DT.FLOAT,
  float64: DT.DOUBLE,
  int32: DT.INT32,
  bool: DT.BOOL,
  string: DT.STRING,
};

/** PyTorch's add_tensor: plugin "tensor", the values as raw little-endian tensor_content. */
export function tensorValue(
  tag: string,
  shape: number[],
  values: ArrayLike<number> | string[],
  dtype: string,
): SummaryValueInit {
  const code = TENSOR_DTYPES[dtype];
  const tensor: Record<string, unknown> = {
    dtype: code,
    tensor_shape: { dim: shape.map((size) => ({ size })) },
  };
  if (code === DT.STRING) tensor.string_val = (values as string[]).map((s) => Buffer.from(s, "utf8"));
  else tensor.tensor_content = rawContent(values as ArrayLike<number>, code);
  return { tag, metadata: pluginMetadata("tensor"), tensor };
}

function rawContent(values: ArrayLike<number>, dtype: number): Buffer {
  const n = values.length;
  if (dtype === DT.DOUBLE) return Buffer.from(Float64Array.from(values).buffer);
  if (dtype === DT.INT32) return Buffer.from(Int32Array.from(values).buffer);
  if (dtype === DT.BOOL) return Buffer.from(Uint8Array.from(values, (v) => (v ? 1 : 0)).buffer);
  return Buffer.from(Float32Array.from({ length: n }, (_, i) => values[i]).buffer);
}
