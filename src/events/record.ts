// TFRecord framing: uint64 length, masked CRC32C of the length bytes, payload, masked CRC32C of the payload
// (all little-endian). Parsing never throws: damaged bytes are skipped and counted, and an incomplete tail is
// left for the next read so that files still being written can be tailed.
import { crc32c } from "@node-rs/crc32";

const MASK_DELTA = 0xa282ead8;
const HEADER_BYTES = 12;
const FOOTER_BYTES = 4;
/** Lengths above this are treated as corruption (protobuf messages cannot exceed 2 GiB). */
const MAX_RECORD_BYTES = 2 ** 31;

/** LevelDB-style masking: rotate right by 15 bits, then add a constant (mod 2^32). */
export function maskedCrc32c(data: Uint8Array): number {
  const crc = crc32c(data as Buffer);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Writes one framed record into `target` at `offset` and returns the offset after it. */
export function writeRecord(target: Buffer, offset: number, payload: Uint8Array): number {
  const length = payload.length;
  target.writeUInt32LE(length >>> 0, offset);
  target.writeUInt32LE(Math.floor(length / 2 ** 32), offset + 4);
  target.writeUInt32LE(maskedCrc32c(target.subarray(offset, offset + 8)), offset + 8);
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

function headerAt(buffer: Buffer, offset: number): number | undefined {
  const low = buffer.readUInt32LE(offset);
  const high = buffer.readUInt32LE(offset + 4);
  const length = high * 2 ** 32 + low;
  if (length > MAX_RECORD_BYTES) return undefined;
  if (maskedCrc32c(buffer.subarray(offset, offset + 8)) !== buffer.readUInt32LE(offset + 8)) return undefined;
  return length;
}

/**
 * Splits `buffer` into record payloads. A bad header CRC makes the parser scan forward byte by byte for the
 * next valid header; a bad payload CRC skips that record. Payloads are views into `buffer` (no copy).
 */
export function parseRecords(buffer: Buffer, stats: FramingStats, checkCrc = true): ParsedRecords {
  const payloads: Buffer[] = [];
  let offset = 0;
  let resyncing = false;
  while (buffer.length - offset >= HEADER_BYTES) {
    const length = headerAt(buffer, offset);
    if (length === undefined) {
      if (!resyncing) stats.badHeaderCrc++;
      resyncing = true;
      stats.skippedBytes++;
      offset++;
      continue;
    }
    resyncing = false;
    const end = offset + HEADER_BYTES + length;
    if (end + FOOTER_BYTES > buffer.length) break;
    const payload = buffer.subarray(offset + HEADER_BYTES, end);
    if (checkCrc && maskedCrc32c(payload) !== buffer.readUInt32LE(end)) stats.badPayloadCrc++;
    else payloads.push(payload);
    offset = end + FOOTER_BYTES;
  }
  return { payloads, consumed: offset };
}
