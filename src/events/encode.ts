// Builds serialized tensorboard.Event payloads. Scalars, the hot path, are encoded by hand straight into the
// file writer's buffer (a protobufjs encode costs ~2 µs; this costs a fraction); everything else goes through
// protobufjs. test/events/encode.test.ts checks the hand encoding against protobufjs on random input.
import { EventProto, PrCurvePluginDataProto, SummaryProto, TextPluginDataProto, DT } from "./schema";
import { maskedCrc32c } from "./record";
import type { Histogram } from "./histogram";
import type { EventFileWriter } from "./file-writer";

const TAG_PREFIX_CACHE = new Map<string, Buffer>();
const MAX_CACHED_TAGS = 10_000;

/** Bytes of `Summary.Value.tag` (field 1) for a tag, cached because training loops reuse a handful of tags. */
function tagField(tag: string): Buffer {
  let bytes = TAG_PREFIX_CACHE.get(tag);
  if (bytes === undefined) {
    const utf8 = Buffer.from(tag, "utf8");
    const lengthBytes = varintBytes(utf8.length);
    bytes = Buffer.concat([Buffer.from([0x0a]), lengthBytes, utf8]);
    if (TAG_PREFIX_CACHE.size < MAX_CACHED_TAGS) TAG_PREFIX_CACHE.set(tag, bytes);
  }
  return bytes;
}

function varintBytes(value: number): Buffer {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Buffer.from(out);
}

function writeVarint(target: Buffer, offset: number, value: number): number {
  while (value > 0x7f) {
    target[offset++] = (value % 128) | 0x80;
    value = Math.floor(value / 128);
  }
  target[offset++] = value;
  return offset;
}

function varintLength(value: number): number {
  let n = 1;
  while (value > 0x7f) {
    value = Math.floor(value / 128);
    n++;
  }
  return n;
}

/** Steps the hand encoder handles; others (negative, fractional, huge) go through protobufjs. */
function isPlainStep(step: number): boolean {
  return Number.isSafeInteger(step) && step >= 0;
}

/**
 * Appends a framed legacy scalar event (Summary.Value.simple_value, float32, what PyTorch writes by default)
 * to the writer's buffer.
 */
export function appendScalarEvent(
  writer: EventFileWriter,
  tag: string,
  value: number,
  step: number,
  wallTime: number,
): void {
  if (!isPlainStep(step)) {
    writer.appendPayload(summaryEventPayload(wallTime, step, [{ tag, simple_value: value }]));
    return;
  }
  const tagBytes = tagField(tag);
  const valueLength = tagBytes.length + 5; // tag field + (0x15, float32)
  const summaryLength = 1 + varintLength(valueLength) + valueLength;
  const payloadLength = 9 + 1 + varintLength(step) + 1 + varintLength(summaryLength) + summaryLength;
  const buffer = writer.reserve(12 + payloadLength + 4);
  const start = writer.offset;
  buffer.writeUInt32LE(payloadLength, start);
  buffer.writeUInt32LE(0, start + 4);
  buffer.writeUInt32LE(maskedCrc32c(buffer, start, start + 8), start + 8);
  let o = start + 12;
  buffer[o++] = 0x09; // wall_time, double
  buffer.writeDoubleLE(wallTime, o);
  o += 8;
  buffer[o++] = 0x10; // step, varint
  o = writeVarint(buffer, o, step);
  buffer[o++] = 0x2a; // summary, length-delimited
  o = writeVarint(buffer, o, summaryLength);
  buffer[o++] = 0x0a; // Summary.value
  o = writeVarint(buffer, o, valueLength);
  tagBytes.copy(buffer, o);
  o += tagBytes.length;
  buffer[o++] = 0x15; // simple_value, float32
  buffer.writeFloatLE(value, o);
  o += 4;
  buffer.writeUInt32LE(maskedCrc32c(buffer, start + 12, o), o);
  writer.commit(o + 4 - start);
}

export interface SummaryValueInit {
  tag: string;
  metadata?: Record<string, unknown>;
  simple_value?: number;
  image?: { height: number; width: number; colorspace: number; encoded_image_string: Uint8Array };
  histo?: Record<string, unknown>;
  audio?: Record<string, unknown>;
  tensor?: Record<string, unknown>;
}

export function summaryEventPayload(wallTime: number, step: number, values: SummaryValueInit[]): Uint8Array {
  return EventProto.encode({ wall_time: wallTime, step, summary: { value: values } }).finish();
}

export function histogramValue(tag: string, h: Histogram): SummaryValueInit {
  return {
    tag,
    histo: {
      min: h.min,
      max: h.max,
      num: h.num,
      sum: h.sum,
      sum_squares: h.sumSquares,
      bucket_limit: h.bucketLimits,
      bucket: h.bucketCounts,
    },
  };
}

export function imageValue(tag: string, png: Uint8Array, width: number, height: number): SummaryValueInit {
  // The PNG is RGBA, so the colour space is 4 (TensorBoard shows the encoded image either way).
  return { tag, image: { height, width, colorspace: 4, encoded_image_string: png } };
}

export function pluginMetadata(
  pluginName: string,
  content: Uint8Array = new Uint8Array(),
): Record<string, unknown> {
  return { plugin_data: { plugin_name: pluginName, content } };
}

/** Markdown text as PyTorch's add_text stores it: plugin "text", tag "<tag>/text_summary", string tensor [1]. */
export function textValue(tag: string, text: string): SummaryValueInit {
  return {
    tag: `${tag}/text_summary`,
    metadata: pluginMetadata("text", TextPluginDataProto.encode({ version: 0 }).finish()),
    tensor: {
      dtype: DT.STRING,
      tensor_shape: { dim: [{ size: 1 }] },
      string_val: [Buffer.from(text, "utf8")],
    },
  };
}

/** A PR curve as PyTorch's add_pr_curve stores it: plugin "pr_curves", float tensor [6, n] in float_val. */
export function prCurveValue(tag: string, rows: number[], numThresholds: number): SummaryValueInit {
  return {
    tag,
    metadata: pluginMetadata(
      "pr_curves",
      PrCurvePluginDataProto.encode({ version: 0, num_thresholds: numThresholds }).finish(),
    ),
    tensor: {
      dtype: DT.FLOAT,
      tensor_shape: { dim: [{ size: 6 }, { size: numThresholds }] },
      float_val: rows,
    },
  };
}

export function graphEventPayload(wallTime: number, graphDef: Uint8Array): Uint8Array {
  return EventProto.encode({ wall_time: wallTime, step: 0, graph_def: graphDef }).finish();
}

/** Serialized Summary (for tests and callers that build events themselves). */
export function encodeSummary(values: SummaryValueInit[]): Uint8Array {
  return SummaryProto.encode({ value: values }).finish();
}
