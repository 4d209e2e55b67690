// Masked CRC32C of TFRecord framing. Large inputs go to @node-rs/crc32 (hardware CRC32C); inputs below
// NATIVE_THRESHOLD bytes use a slicing-by-8 table in JS, because for headers (8 bytes) and scalar events
// (~40 bytes) the native call's fixed cost (~1 µs measured, plus a subarray) is 5-15x the JS loop.
// test/events/record.test.ts checks both paths agree on random input.
import { crc32c } from "@node-rs/crc32";

const MASK_DELTA = 0xa282ead8;
const NATIVE_THRESHOLD = 256;

function makeTables(): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++)
      t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  }
  return t;
}
const T = makeTables();

/**
 * CRC32C (Castagnoli) of bytes [start, end) of `view`, in JS. Words are read with DataView.getInt32, which
 * TurboFan compiles to one load: measured 1.5x faster than assembling them from four byte reads.
 */
export function crc32cOfView(view: DataView, start: number, end: number): number {
  let c = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    c ^= view.getInt32(i, true);
    const d = view.getInt32(i + 4, true);
    c =
      T[1792 + (c & 0xff)] ^
      T[1536 + ((c >>> 8) & 0xff)] ^
      T[1280 + ((c >>> 16) & 0xff)] ^
      T[1024 + (c >>> 24)] ^
      T[768 + (d & 0xff)] ^
      T[512 + ((d >>> 8) & 0xff)] ^
      T[256 + ((d >>> 16) & 0xff)] ^
      T[d >>> 24];
  }
  if (i + 4 <= end) {
    c ^= view.getInt32(i, true);
    c = T[768 + (c & 0xff)] ^ T[512 + ((c >>> 8) & 0xff)] ^ T[256 + ((c >>> 16) & 0xff)] ^ T[c >>> 24];
    i += 4;
  }
  for (; i < end; i++) c = T[(c ^ view.getUint8(i)) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

// The writer frames every record in the same buffer: reusing its DataView (checked by identity, which is cheap,
// unlike reading .buffer/.byteOffset) keeps a view allocation out of each of its two CRCs per record, which
// measured 2x slower addScalar calls.
let lastBytes: Uint8Array | undefined;
let lastView: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function viewOf(bytes: Uint8Array): DataView {
  if (bytes !== lastBytes) {
    lastBytes = bytes;
    lastView = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return lastView;
}

/** CRC32C of [start, end) of `view`: the JS loop for short inputs, @node-rs/crc32 for long ones. */
function crc32cAt(view: DataView, start: number, end: number): number {
  if (end - start < NATIVE_THRESHOLD) return crc32cOfView(view, start, end);
  return crc32c(Buffer.from(view.buffer, view.byteOffset + start, end - start));
}

export function crc32cOf(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return crc32cAt(viewOf(bytes), start, end);
}

function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** LevelDB-style masking: rotate right by 15 bits, then add a constant (mod 2^32). */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  return mask(crc32cOf(bytes, start, end));
}

/**
 * maskedCrc32c of [start, end) of `view`, for readers that check millions of short records: the caller makes
 * one DataView per buffer instead of one per call.
 */
export function maskedCrc32cOfView(view: DataView, start: number, end: number): number {
  return mask(crc32cAt(view, start, end));
}
