// Reading event files: EventFileTail reads whatever was appended since its last offset (so a file still being
// written is followed without re-reading), readEvents streams one file's records. Damage never throws: it is
// skipped and counted in ReadStats.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { emptyFramingStats, parseRecords, scanRecords, type FramingStats } from "./record";
import { readScalarEvent, type ScalarSink } from "./fast-scalar";
import { decodeEvent, SummaryDecoder, type EventRecord } from "./decode";

export interface ReadStats extends FramingStats {
  /** Records read and decoded. */
  records: number;
  /** Records whose CRCs matched but whose bytes are not a tensorboard.Event. */
  undecodable: number;
  /** Records or summary values of kinds tensorscope does not load, by kind (e.g. "session_log", "plugin:pr_curves"). */
  foreign: Record<string, number>;
  /** Bytes at the end of files that do not yet form a whole record (a truncated or still-growing last record). */
  pendingBytes: number;
}

export function emptyReadStats(): ReadStats {
  return { ...emptyFramingStats(), records: 0, undecodable: 0, foreign: {}, pendingBytes: 0 };
}

export function countForeign(stats: ReadStats, kind: string): void {
  stats.foreign[kind] = (stats.foreign[kind] ?? 0) + 1;
}

const CHUNK_BYTES = 16 << 20;

/** Decodes payloads, counting what could not be decoded; foreign records are still returned for the caller. */
export function decodePayloads(payloads: Buffer[], decoder: SummaryDecoder, stats: ReadStats): EventRecord[] {
  const out: EventRecord[] = [];
  for (const payload of payloads) {
    try {
      out.push(decodeEvent(payload, decoder));
      stats.records++;
    } catch {
      stats.undecodable++;
    }
  }
  return out;
}

/** Where EventFileTail delivers records: plain scalars through the fast path, everything else decoded. */
export interface RecordSink {
  scalar: ScalarSink;
  record(record: EventRecord): void;
}

/** Delivers the intact records of `buffer` to `sink`; returns the bytes consumed. */
function deliver(buffer: Buffer, decoder: SummaryDecoder, stats: ReadStats, sink: RecordSink): number {
  return scanRecords(buffer, stats, (start, end) => {
    if (readScalarEvent(buffer, start, end, sink.scalar)) {
      stats.records++;
      return;
    }
    try {
      const record = decodeEvent(buffer.subarray(start, end), decoder);
      stats.records++;
      sink.record(record);
    } catch {
      stats.undecodable++;
    }
  });
}

/** Follows one event file: each read() returns the records appended since the previous one. */
export class EventFileTail {
  private offset = 0;
  private leftover = 0;

  constructor(
    readonly path: string,
    readonly stats: ReadStats = emptyReadStats(),
    /** Shared by a run's files: a tag's plugin is named only in its first value, maybe in an earlier file. */
    readonly decoder = new SummaryDecoder(),
  ) {}

  /** Reads new complete records into `sink`, a chunk at a time (bounded memory for large files). */
  read(sink: RecordSink): void {
    let fd: number;
    try {
      fd = openSync(this.path, "r");
    } catch {
      return; // deleted or unreadable since it was listed: nothing new
    }
    try {
      const size = fstatSync(fd).size;
      this.stats.pendingBytes -= this.leftover;
      while (this.offset < size) {
        const want = Math.min(CHUNK_BYTES, size - this.offset);
        const buffer = Buffer.allocUnsafe(want);
        const got = readSync(fd, buffer, 0, want, this.offset);
        const consumed = deliver(buffer.subarray(0, got), this.decoder, this.stats, sink);
        this.offset += consumed;
        // Nothing consumed: the rest is one incomplete record (or a record bigger than the chunk).
        if (consumed === 0 && !this.readLargeRecord(fd, size, sink)) break;
      }
      this.leftover = size - this.offset;
      this.stats.pendingBytes += this.leftover;
    } finally {
      closeSync(fd);
    }
  }

  /** A record larger than one chunk: read the whole rest of the file at once. */
  private readLargeRecord(fd: number, size: number, sink: RecordSink): boolean {
    if (size - this.offset <= CHUNK_BYTES) return false;
    const buffer = Buffer.allocUnsafe(size - this.offset);
    readSync(fd, buffer, 0, buffer.length, this.offset);
    const consumed = deliver(buffer, this.decoder, this.stats, sink);
    this.offset += consumed;
    return consumed > 0;
  }
}

/**
 * Streams the records of one event file. Damaged records are skipped and counted in `options.stats`; an
 * incomplete last record ends the stream quietly (its bytes are counted as pendingBytes).
 */
export async function* readEvents(
  file: string,
  options: { stats?: ReadStats } = {},
): AsyncGenerator<EventRecord> {
  const stats = options.stats ?? emptyReadStats();
  const decoder = new SummaryDecoder();
  const handle = await open(file, "r");
  try {
    let carry = Buffer.alloc(0);
    for (;;) {
      const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const buffer = carry.length
        ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
        : chunk.subarray(0, bytesRead);
      const { payloads, consumed } = parseRecords(buffer, stats);
      for (const record of decodePayloads(payloads, decoder, stats)) yield record;
      carry = Buffer.from(buffer.subarray(consumed));
    }
    stats.pendingBytes += carry.length;
  } finally {
    await handle.close();
  }
}
