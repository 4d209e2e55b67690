// Fast path for the commonest records by far: an Event holding only wall_time, step and a Summary of scalar
// values, either legacy (tag + simple_value, as PyTorch, tensorboardX, tfjs-node and our writer log them) or
// TF2-style (tag + a one-number float/double tensor + maybe metadata naming the plugin, as tf.summary.scalar and
// PyTorch's new_style log them). Reading these by hand instead of through protobufjs makes loading a logdir
// 10-15x faster. Anything else in the record makes parse() return false and the caller decodes it with
// protobufjs, so the fast path can only be narrower, never different (test/events/fast-scalar.test.ts compares
// both on random events). Whether a tensor value is a scalar depends on the run's plugin of its tag, which the
// caller knows: see `tensorAt` and `pluginAt`.

const MAX_VALUES = 64;

/**
 * Logs reuse a handful of tags (and plugin names) millions of times: decoding each one's UTF-8 once and matching
 * bytes after that avoids a string allocation per point. Bytes are compared from the end because tags of one
 * run usually share a prefix ("loss/train", "loss/test").
 */
class StringCache {
  private static readonly SIZE = 64;
  private readonly bytes: Uint8Array[] = [];
  private readonly strings: string[] = [];
  private nextSlot = 0;

  get(buf: Uint8Array, start: number, end: number): string {
    const length = end - start;
    const { bytes } = this;
    search: for (let c = 0; c < bytes.length; c++) {
      const cached = bytes[c];
      if (cached.length !== length) continue;
      for (let i = length - 1; i >= 0; i--) if (cached[i] !== buf[start + i]) continue search;
      return this.strings[c];
    }
    const tag = Buffer.from(buf.buffer, buf.byteOffset + start, length).toString("utf8");
    // A copy (Buffer#slice would be a view): the bytes read are overwritten by the next file.
    this.bytes[this.nextSlot] = Uint8Array.from(buf.subarray(start, end));
    this.strings[this.nextSlot] = tag;
    this.nextSlot = (this.nextSlot + 1) % StringCache.SIZE;
    return tag;
  }
}

/** What a parsed value held: a simple_value, or a one-number tensor (a scalar only if its tag's plugin says so). */
export const SIMPLE = 0;
export const TENSOR = 1;

/**
 * Parses scalar Events. After parse() returns true, `step`, `wallTime` and the first `count` entries of `tags`,
 * `values`, `kinds` and `plugins` (the plugin named by the value's metadata, undefined without plugin_data)
 * describe the event. One instance is reused for every record so that nothing is allocated per point
 * (measured: a callback per value and a module-level cursor made this path 2-3x slower).
 */
export class ScalarEventParser {
  step = 0;
  wallTime = 0;
  count = 0;
  readonly tags: string[] = new Array<string>(MAX_VALUES).fill("");
  readonly values = new Float64Array(MAX_VALUES);
  readonly kinds = new Uint8Array(MAX_VALUES);
  readonly plugins: (string | undefined)[] = new Array<string | undefined>(MAX_VALUES).fill(undefined);
  private pos = 0;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;
  private readonly strings = new StringCache();

  /** True when buf[start, end) is a scalar Event (its fields are then set); false leaves them undefined. */
  parse(buf: Uint8Array, start: number, end: number): boolean {
    // Compared by identity: reading .buffer/.byteOffset on every call measured 3x slower for the whole parse.
    if (buf !== this.viewOf) {
      this.viewOf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    let summarySeen = false;
    this.wallTime = 0;
    this.step = 0;
    this.pos = start;
    while (this.pos < end) {
      const key = buf[this.pos++];
      if (key === 0x09 && this.pos + 8 <= end) {
        this.wallTime = this.view.getFloat64(this.pos, true);
        this.pos += 8;
      } else if (key === 0x10) {
        this.step = this.varint(buf, end);
        if (this.step < 0) return false;
      } else if (key === 0x2a && !summarySeen) {
        const length = this.varint(buf, end);
        if (length < 0 || this.pos + length > end || !this.summary(buf, this.pos + length)) return false;
        summarySeen = true;
      } else {
        return false;
      }
    }
    return summarySeen;
  }

  /** Reads a varint up to 7 bytes (< 2^49, all safe integers we accept), or -1 when longer or truncated. */
  private varint(buf: Uint8Array, end: number): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 7 && this.pos < end; i++) {
      const byte = buf[this.pos++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
    return -1;
  }

  /** The end of the length-delimited field starting at `pos` (pos moves to its first byte), or -1. */
  private delimited(buf: Uint8Array, end: number): number {
    const length = this.varint(buf, end);
    return length < 0 || this.pos + length > end ? -1 : this.pos + length;
  }

  /** Parses Summary.Value entries up to `end`; false if any is not a scalar. */
  private summary(buf: Uint8Array, end: number): boolean {
    let count = 0;
    while (this.pos < end) {
      if (buf[this.pos++] !== 0x0a || count === MAX_VALUES) return false;
      const valueEnd = this.delimited(buf, end);
      if (valueEnd < 0 || !this.value(buf, valueEnd, count)) return false;
      count++;
    }
    this.count = count;
    return true;
  }

  /** One Summary.Value: tag, then simple_value or tensor, maybe metadata; fills entry `i`. */
  private value(buf: Uint8Array, end: number, i: number): boolean {
    let tagStart = -1;
    let tagEnd = -1;
    let simpleAt = -1;
    let tensorSeen = false;
    let metadataSeen = false;
    this.plugins[i] = undefined;
    while (this.pos < end) {
      const key = buf[this.pos++];
      if (key === 0x0a) {
        tagEnd = this.delimited(buf, end);
        if (tagEnd < 0) return false;
        tagStart = this.pos;
        this.pos = tagEnd;
      } else if (key === 0x15 && this.pos + 4 <= end) {
        simpleAt = this.pos;
        this.pos += 4;
      } else if (key === 0x42 && !tensorSeen) {
        const tensorEnd = this.delimited(buf, end);
        if (tensorEnd < 0 || !this.tensor(buf, tensorEnd, i)) return false;
        tensorSeen = true;
      } else if (key === 0x4a && !metadataSeen) {
        const metadataEnd = this.delimited(buf, end);
        if (metadataEnd < 0 || !this.metadata(buf, metadataEnd, i)) return false;
        metadataSeen = true;
      } else {
        return false;
      }
    }
    // Both members of the oneof, or neither: leave it to protobufjs.
    if (tagStart < 0 || simpleAt >= 0 === tensorSeen) return false;
    this.tags[i] = this.strings.get(buf, tagStart, tagEnd);
    if (simpleAt >= 0) {
      this.kinds[i] = SIMPLE;
      this.values[i] = this.view.getFloat32(simpleAt, true);
    } else {
      this.kinds[i] = TENSOR;
    }
    return true;
  }

  /** SummaryMetadata: notes plugin_data.plugin_name; display name, description and data class are ignored. */
  private metadata(buf: Uint8Array, end: number, i: number): boolean {
    while (this.pos < end) {
      const key = buf[this.pos++];
      if (key === 0x20) {
        if (this.varint(buf, end) < 0) return false;
        continue;
      }
      const fieldEnd = this.delimited(buf, end);
      if (fieldEnd < 0) return false;
      if (key === 0x0a) {
        // A decoded plugin_data without plugin_name reads as "" in protobufjs.
        this.plugins[i] = "";
        while (this.pos < fieldEnd) {
          const inner = buf[this.pos++];
          const innerEnd = this.delimited(buf, fieldEnd);
          if (innerEnd < 0 || (inner !== 0x0a && inner !== 0x12)) return false;
          if (inner === 0x0a) this.plugins[i] = this.strings.get(buf, this.pos, innerEnd);
          this.pos = innerEnd;
        }
      } else if (key !== 0x12 && key !== 0x1a) {
        return false;
      }
      this.pos = fieldEnd;
    }
    return true;
  }

  /**
   * A TensorProto whose first number is read the way decode.ts reads one: tensor_content by dtype (float or
   * double only here), else the first float_val, else the first double_val. Anything else returns false.
   */
  private tensor(buf: Uint8Array, end: number, i: number): boolean {
    let dtype = 0;
    let contentAt = -1;
    let contentLength = 0;
    let firstFloat = -1;
    let firstDouble = -1;
    while (this.pos < end) {
      const key = buf[this.pos++];
      if (key === 0x08) {
        dtype = this.varint(buf, end);
        if (dtype < 0) return false;
      } else if (key === 0x18) {
        if (this.varint(buf, end) < 0) return false;
      } else if (key === 0x2d && this.pos + 4 <= end) {
        if (firstFloat < 0) firstFloat = this.pos;
        this.pos += 4;
      } else if (key === 0x31 && this.pos + 8 <= end) {
        if (firstDouble < 0) firstDouble = this.pos;
        this.pos += 8;
      } else if (key === 0x12 || key === 0x22 || key === 0x2a || key === 0x32) {
        const fieldEnd = this.delimited(buf, end);
        const length = fieldEnd - this.pos;
        // A scalar's shape is empty; packed numbers must fill their field exactly (protobufjs throws otherwise).
        if (fieldEnd < 0 || (key === 0x12 && length !== 0)) return false;
        if ((key === 0x2a && length % 4 !== 0) || (key === 0x32 && length % 8 !== 0)) return false;
        if (key === 0x22) [contentAt, contentLength] = [this.pos, length];
        if (key === 0x2a && firstFloat < 0 && length > 0) firstFloat = this.pos;
        if (key === 0x32 && firstDouble < 0 && length > 0) firstDouble = this.pos;
        this.pos = fieldEnd;
      } else {
        return false;
      }
    }
    const view = this.view;
    if (contentLength > 0) {
      if (dtype === 1 && contentLength >= 4) this.values[i] = view.getFloat32(contentAt, true);
      else if (dtype === 2 && contentLength >= 8) this.values[i] = view.getFloat64(contentAt, true);
      else return false;
    } else if (firstFloat >= 0) this.values[i] = view.getFloat32(firstFloat, true);
    else if (firstDouble >= 0) this.values[i] = view.getFloat64(firstDouble, true);
    else return false;
    return true;
  }
}
