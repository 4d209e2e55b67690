// Fast path for the commonest record by far: an Event holding only wall_time, step and a Summary of plain
// scalar values (tag + simple_value), as PyTorch, tensorboardX and our writer log them. Reading these by hand
// instead of through protobufjs makes loading a logdir several times faster. Anything else in the record
// (metadata, other fields, odd encodings) makes parse() return false and the caller decodes it with protobufjs,
// so the fast path can only be narrower, never different (test/events/fast-scalar.test.ts compares both on
// random events).

const MAX_VALUES = 64;

/**
 * Logs reuse a handful of tags millions of times: decoding each tag's UTF-8 once and matching bytes after that
 * avoids a string allocation per point. Bytes are compared from the end because tags of one run usually share
 * a prefix ("loss/train", "loss/test").
 */
class TagCache {
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
    this.bytes[this.nextSlot] = buf.slice(start, end);
    this.strings[this.nextSlot] = tag;
    this.nextSlot = (this.nextSlot + 1) % TagCache.SIZE;
    return tag;
  }
}

/**
 * Parses plain-scalar Events. After parse() returns true, `step`, `wallTime` and the first `count` entries of
 * `tags` and `values` describe the event. One instance is reused for every record so that nothing is allocated
 * per point (measured: a callback per value and a module-level cursor made this path 2-3x slower).
 */
export class ScalarEventParser {
  step = 0;
  wallTime = 0;
  count = 0;
  readonly tags: string[] = new Array<string>(MAX_VALUES).fill("");
  readonly values = new Float64Array(MAX_VALUES);
  private pos = 0;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | undefined;
  private readonly tagCache = new TagCache();

  /** True when buf[start, end) is a plain-scalar Event (its fields are then set); false leaves them undefined. */
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

  /** Parses Summary.Value entries up to `end`; false if any holds anything but tag and simple_value. */
  private summary(buf: Uint8Array, end: number): boolean {
    let count = 0;
    while (this.pos < end) {
      if (buf[this.pos++] !== 0x0a || count === MAX_VALUES) return false;
      const length = this.varint(buf, end);
      if (length < 0 || this.pos + length > end) return false;
      const valueEnd = this.pos + length;
      let tagStart = -1;
      let tagEnd = -1;
      let valueAt = -1;
      while (this.pos < valueEnd) {
        const key = buf[this.pos++];
        if (key === 0x0a) {
          const tagLength = this.varint(buf, valueEnd);
          if (tagLength < 0 || this.pos + tagLength > valueEnd) return false;
          tagStart = this.pos;
          tagEnd = this.pos = tagStart + tagLength;
        } else if (key === 0x15 && this.pos + 4 <= valueEnd) {
          valueAt = this.pos;
          this.pos += 4;
        } else {
          return false;
        }
      }
      if (tagStart < 0 || valueAt < 0) return false;
      this.tags[count] = this.tagCache.get(buf, tagStart, tagEnd);
      this.values[count] = this.view.getFloat32(valueAt, true);
      count++;
    }
    this.count = count;
    return true;
  }
}
