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

/** CRC32C (Castagnoli) of bytes[start, end) in JS. */
export function crc32cJs(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      T[1792 + (c & 0xff)] ^
      T[1536 + ((c >>> 8) & 0xff)] ^
      T[1280 + ((c >>> 16) & 0xff)] ^
      T[1024 + (c >>> 24)] ^
      T[768 + bytes[i + 4]] ^
      T[512 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
  }
  for (; i < end; i++) c = T[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** CRC32C of exactly 8 bytes (every record's length header): one slicing-by-8 step, no loop. */
function crc32c8(b: Uint8Array, i: number): number {
  const c = ~(b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
  const crc =
    T[1792 + (c & 0xff)] ^
    T[1536 + ((c >>> 8) & 0xff)] ^
    T[1280 + ((c >>> 16) & 0xff)] ^
    T[1024 + (c >>> 24)] ^
    T[768 + b[i + 4]] ^
    T[512 + b[i + 5]] ^
    T[256 + b[i + 6]] ^
    T[b[i + 7]];
  return ~crc >>> 0;
}

export function crc32cOf(bytes: Uint8Array, start = 0, end = bytes.length): number {
  if (end - start === 8) return crc32c8(bytes, start);
  if (end - start < NATIVE_THRESHOLD) return crc32cJs(bytes, start, end);
  const view = start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end);
  return crc32c(view as Buffer);
}

/** LevelDB-style masking: rotate right by 15 bits, then add a constant (mod 2^32). */
export function maskedCrc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const crc = crc32cOf(bytes, start, end);
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}
