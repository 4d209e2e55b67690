// Lazily read bytes: a loaded logdir keeps where each image or audio clip sits in its event file and reads it
// when asked, so that gigabytes of images cost a few dozen bytes each in memory.
import { closeSync, openSync, readSync } from "node:fs";
import type { StoredBytes } from "./kinds";

export class FileSlice implements StoredBytes {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly byteLength: number,
  ) {}

  bytes(): Buffer {
    const out = Buffer.allocUnsafe(this.byteLength);
    let fd: number;
    try {
      fd = openSync(this.file, "r");
    } catch (error) {
      throw new Error(
        `the event file ${this.file} holding these bytes cannot be read any more: ${String(error)}`,
      );
    }
    try {
      let got = 0;
      while (got < this.byteLength) {
        const n = readSync(fd, out, got, this.byteLength - got, this.offset + got);
        if (n === 0) throw new Error(`the event file ${this.file} is shorter than when it was loaded`);
        got += n;
      }
      return out;
    } finally {
      closeSync(fd);
    }
  }
}

export class InMemoryBytes implements StoredBytes {
  constructor(private readonly data: Buffer) {}
  get byteLength(): number {
    return this.data.length;
  }
  bytes(): Buffer {
    return this.data;
  }
}

const STORED = Symbol("stored bytes");

type Holder = { encoded: Buffer };

/** Makes `holder.encoded` a getter that reads `stored` on each access. */
export function storeEncoded<T extends Holder>(holder: T, stored: StoredBytes): T {
  Object.defineProperty(holder, "encoded", {
    get: () => stored.bytes(),
    enumerable: true,
    configurable: true,
  });
  Object.defineProperty(holder, STORED, { value: stored, enumerable: false, configurable: true });
  return holder;
}

export function storedOf(holder: Holder): StoredBytes {
  return (holder as unknown as Record<symbol, StoredBytes>)[STORED] ?? new InMemoryBytes(holder.encoded);
}

/** A plain description of where bytes are (to send to another thread), and back. */
export type StoredRef = { file: string; offset: number; length: number } | { bytes: Uint8Array };

export function refOf(stored: StoredBytes): StoredRef {
  return stored instanceof FileSlice
    ? { file: stored.file, offset: stored.offset, length: stored.byteLength }
    : { bytes: new Uint8Array(stored.bytes()) };
}

export function storedFromRef(ref: StoredRef): StoredBytes {
  if ("file" in ref) return new FileSlice(ref.file, ref.offset, ref.length);
  return new InMemoryBytes(Buffer.from(ref.bytes.buffer, ref.bytes.byteOffset, ref.bytes.byteLength));
}

/**
 * Replaces the `encoded` Buffers of a decoded record's images and clips (views into `payload`) by slices of
 * `file`, where `payload` starts at `payloadOffset`; or, without a file, by copies of their own.
 */
export function detachEncoded(holders: Holder[], payload: Buffer, file?: string, payloadOffset = 0): void {
  for (const holder of holders) {
    const view = holder.encoded;
    const inside = view.buffer === payload.buffer && view.byteOffset >= payload.byteOffset;
    if (file !== undefined && inside)
      storeEncoded(
        holder,
        new FileSlice(file, payloadOffset + view.byteOffset - payload.byteOffset, view.length),
      );
    else holder.encoded = Buffer.from(view);
  }
}
