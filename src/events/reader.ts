// Reading event files: EventFileTail reads whatever was appended since its last offset (so a file still being
// written is followed without re-reading), readEvents streams one file's records. Damage never throws: it is
// skipped and counted in ReadStats.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { open } from "node:fs/promises";
import { emptyFramingStats, parseRecords, RecordScanner, type FramingStats } from "./record";
import { ScalarEventParser, TENSOR } from "./fast-scalar";
import { decodeEvent, encodedHolders, SummaryDecoder, type EventRecord } from "./decode";
import { requireFile } from "./path-check";
import { detachEncoded } from "./stored-bytes";

export interface ReadStats extends FramingStats {
  /** Records read and decoded. */
  records: number;
  /** Records whose CRCs matched but whose bytes are not a tensorboard.Event. */
  undecodable: number;
  /** Records or summary values of kinds tensorscope does not load, by kind (e.g. "session_log", "plugin:pr_curves"). */
  foreign: Record<string, number>;
  /** Bytes at the end of files that do not yet form a whole record (a truncated or still-growing last record). */
  pendingBytes: number;
  /** Values skipped because their payload cannot be what their kind says (a WAV that is not one...), by kind. */
  corrupt: Record<string, number>;
  /** SessionLog.START records seen (restarts of a training job, or its first start). */
  restarts: number;
  /** Points dropped as orphans of a restart (see purge.ts). */
  purged: number;
}

export function emptyReadStats(): ReadStats {
  return {
    ...emptyFramingStats(),
    records: 0,
    undecodable: 0,
    foreign: {},
    pendingBytes: 0,
    corrupt: {},
    restarts: 0,
    purged: 0,
  };
}

export function countForeign(stats: ReadStats, kind: string): void {
  stats.foreign[kind] = (stats.foreign[kind] ?? 0) + 1;
}

const CHUNK_BYTES = 16 << 20;
// One read buffer per thread, reused for every file: a fresh buffer per file made the kernel zero and map new
// pages each time (measured ~10% of a load, more with worker threads). Nothing keeps a view into it: scalars
// are copied out and other records are decoded from a copy (see deliver).
let readBuffer = Buffer.alloc(0);

/** Decodes payloads, counting what could not be decoded; foreign records are still returned for the caller. */
export function decodePayloads(payloads: Buffer[], decoder: SummaryDecoder, stats: ReadStats): EventRecord[] {
  const out: EventRecord[] = [];
  for (const payload of payloads) {
    try {
      const record = decodeEvent(payload, decoder);
      detachEncoded(encodedHolders(record), payload);
      out.push(record);
      stats.records++;
    } catch {
      stats.undecodable++;
    }
  }
  return out;
}

/** Where EventFileTail delivers records: plain scalars through the fast path, everything else decoded. */
export interface RecordSink {
  /** An event of `count` scalar values: the first `count` entries of `tags` and `values` (arrays reused). */
  scalars(step: number, wallTime: number, count: number, tags: readonly string[], values: Float64Array): void;
  record(record: EventRecord): void;
}

// Shared by every reader: parsing is synchronous, and one warm tag cache serves all runs.
const scalarParser = new ScalarEventParser();

/**
 * Whether every value the parser found is a scalar: simple values always are, tensors when their tag's plugin
 * is "scalars". Notes the plugins named on the way, as decoding the record would.
 */
function allScalars(parser: ScalarEventParser, decoder: SummaryDecoder): boolean {
  for (let i = 0; i < parser.count; i++) {
    const plugin = decoder.pluginOf(parser.tags[i], parser.plugins[i]);
    if (parser.kinds[i] === TENSOR && plugin !== "scalars") return false;
  }
  return true;
}

/**
 * Delivers the intact records of `buffer`, read from `file` at `fileOffset`, to `sink`; returns the bytes
 * consumed. Image and audio bytes are left in the file (see stored-bytes.ts); without a file (remote
 * objects) they are copied.
 */
export function deliver(
  buffer: Buffer,
  decoder: SummaryDecoder,
  stats: ReadStats,
  sink: RecordSink,
  file?: string,
  fileOffset = 0,
): number {
  const records = new RecordScanner(buffer, stats);
  const parser = scalarParser;
  while (records.next()) {
    // An empty summary goes the slow way: it still moves the run's last step, which restart purging follows.
    if (parser.parse(buffer, records.start, records.end) && parser.count > 0 && allScalars(parser, decoder)) {
      stats.records++;
      sink.scalars(parser.step, parser.wallTime, parser.count, parser.tags, parser.values);
      continue;
    }
    let record: EventRecord;
    try {
      // A copy: protobufjs returns bytes fields as views of its input, and `buffer` is reused for the next file.
      const payload = Buffer.from(buffer.subarray(records.start, records.end));
      record = decodeEvent(payload, decoder);
      detachEncoded(encodedHolders(record), payload, file, fileOffset + records.start);
    } catch {
      stats.undecodable++;
      continue;
    }
    stats.records++;
    sink.record(record);
  }
  return records.offset;
}

/** Where a tail stopped: the next byte to read, and how many bytes after it were an incomplete record. */
export interface TailPosition {
  offset: number;
  leftover: number;
}

/** Follows one event file: each read() returns the records appended since the previous one. */
export class EventFileTail {
  private offset: number;
  private leftover: number;

  constructor(
    readonly path: string,
    readonly stats: ReadStats = emptyReadStats(),
    /** Shared by a run's files: a tag's plugin is named only in its first value, maybe in an earlier file. */
    readonly decoder = new SummaryDecoder(),
    /** Resumes where another tail (maybe in a worker thread) stopped. */
    from: TailPosition = { offset: 0, leftover: 0 },
  ) {
    this.offset = from.offset;
    this.leftover = from.leftover;
  }

  get position(): TailPosition {
    return { offset: this.offset, leftover: this.leftover };
  }

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
        if (readBuffer.length < want) readBuffer = Buffer.allocUnsafe(want);
        const buffer = readBuffer;
        const got = readSync(fd, buffer, 0, want, this.offset);
        const consumed = deliver(
          buffer.subarray(0, got),
          this.decoder,
          this.stats,
          sink,
          this.path,
          this.offset,
        );
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
    const consumed = deliver(buffer, this.decoder, this.stats, sink, this.path, this.offset);
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
  requireFile(file, "readEvents");
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
