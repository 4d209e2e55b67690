// TFRecord framing: uint64 length, masked CRC32C of the length bytes, payload, masked CRC32C of the payload
// (all little-endian). Parsing never throws: damaged bytes are skipped and counted, and an incomplete tail is
// left for the next read so that files still being written can be tailed.
import { maskedCrc32c, maskedCrc32cOfView } from "./crc";

export { maskedCrc32c };
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
/** Lengths above this are treated as corruption (protobuf messages cannot exceed 2 GiB). */
const MAX_RECORD_BYTES = 2 ** 31;

/** Writes one framed record into `target` at `offset` and returns the offset after it. */
export function writeRecord(target: Buffer, offset: number, payload: Uint8Array): number {
  const length = payload.length;
  target.writeUInt32LE(length >>> 0, offset);
  target.writeUInt32LE(Math.floor(length / 2 ** 32), offset + 4);
  target.writeUInt32LE(maskedCrc32c(target, offset, offset + 8), offset + 8);
  target.set(payload, offset + HEADER_BYTES);
  const end = offset + HEADER_BYTES + length;
  target.writeUInt32LE(maskedCrc32c(payload), end);
  return end + FOOTER_BYTES;
}

export function recordSize(payloadLength: number): number {
  return HEADER_BYTES + payloadLength + FOOTER_BYTES;
}

export function frameRecord(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(recordSize(payload.length));
  writeRecord(out, 0, payload);
  return out;
}

export interface FramingStats {
  /** Records whose payload CRC did not match (skipped). */
  badPayloadCrc: number;
  /** Stretches of bytes skipped because a length header's CRC did not match (resynchronised after). */
  badHeaderCrc: number;
  /** Bytes skipped while resynchronising after a bad header. */
  skippedBytes: number;
}

export function emptyFramingStats(): FramingStats {
  return { badPayloadCrc: 0, badHeaderCrc: 0, skippedBytes: 0 };
}

export interface ParsedRecords {
  payloads: Buffer[];
  /** Offset (within `buffer`) of the first byte not consumed: the start of an incomplete record, or the end. */
  consumed: number;
}

/**
 * Walks the intact records of a buffer: each next() finds the next one and sets `start`/`end` to its payload
 * (no copies, no views). A bad header CRC makes it scan forward byte by byte for the next valid header; a bad
 * payload CRC skips that record. Both are counted in `stats`.
 */
export class RecordScanner {
  /** Payload bounds of the record the last successful next() found. */
  start = 0;
  end = 0;
  /** Offset of the first byte not consumed: the start of an incomplete record, or the end. */
  offset = 0;

  private readonly view: DataView;

  constructor(
    private readonly buffer: Uint8Array,
    private readonly stats: FramingStats,
    private readonly checkCrc = true,
  ) {
    this.view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  next(): boolean {
    const { buffer, stats, view } = this;
    let offset = this.offset;
    let resyncing = false;
    while (buffer.length - offset >= HEADER_BYTES) {
      const length = view.getUint32(offset + 4, true) * 2 ** 32 + view.getUint32(offset, true);
      const header = maskedCrc32cOfView(view, offset, offset + 8);
      if (length > MAX_RECORD_BYTES || header !== view.getUint32(offset + 8, true)) {
        if (!resyncing) stats.badHeaderCrc++;
        resyncing = true;
        stats.skippedBytes++;
        offset++;
        continue;
      }
      resyncing = false;
      const start = offset + HEADER_BYTES;
      const end = start + length;
      if (end + FOOTER_BYTES > buffer.length) break;
      offset = end + FOOTER_BYTES;
      if (this.checkCrc && maskedCrc32cOfView(view, start, end) !== view.getUint32(end, true)) {
        stats.badPayloadCrc++;
        continue;
      }
      this.start = start;
      this.end = end;
      this.offset = offset;
      return true;
    }
    this.offset = offset;
    return false;
  }
}

/**
 * Splits `buffer` into record payloads. A bad header CRC makes the parser scan forward byte by byte for the
 * next valid header; a bad payload CRC skips that record. Payloads are views into `buffer` (no copy).
 */
export function parseRecords(buffer: Buffer, stats: FramingStats, checkCrc = true): ParsedRecords {
  const payloads: Buffer[] = [];
  const records = new RecordScanner(buffer, stats, checkCrc);
  while (records.next()) payloads.push(buffer.subarray(records.start, records.end));
  return { payloads, consumed: records.offset };
}
