// A logdir in object storage (s3://bucket/prefix), read with the same decoding, purging and filtering as a local
// one. reloadAsync() lists the objects and fetches only the bytes appended to each event file since the last
// read (ranged GETs); an object that cannot be read after retries is named in `failures` and tried again on
// the next reload, and everything else read is kept. Image and audio bytes, and the projector's files, are
// kept in memory.
import { checkLoadOptions, isEventFile, loadLogdir, Logdir, type LoadOptions } from "./logdir";
import { deliver, type RecordSink } from "./reader";
import { SummaryDecoder } from "./decode";
import { emptyRun, sinkFor, type RunData } from "./run-data";
import { filterOf } from "./run-reader";
import { initialPurgeState } from "./purge";
import { parseS3Url, s3Url, S3Store, type S3Location, type S3Options } from "./s3";
import { embeddingsOfConfig, PROJECTOR_CONFIG } from "./projector-read";
import type { EmbeddingData } from "./kinds";

export interface RemoteLoadOptions extends LoadOptions {
  s3?: S3Options;
  /** Runs fetched at the same time (default 8); a run's own files are read in order. */
  concurrency?: number;
}

const DEFAULT_CONCURRENCY = 8;

/** Runs `task` on every item, at most `limit` at a time. */
async function eachBounded<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

interface RemoteFile {
  /** Bytes fetched so far. */
  offset: number;
  /** Fetched bytes that do not yet form a whole record. */
  pending: Buffer;
}

interface RemoteRun {
  data: RunData;
  sink: RecordSink;
  decoder: SummaryDecoder;
  files: Map<string, RemoteFile>;
}

/** Event files under the location, grouped by run (the folder relative to the prefix, "." for the prefix). */
function runsOfKeys(location: S3Location, objects: { key: string; size: number }[]) {
  const runs = new Map<string, { key: string; size: number }[]>();
  const root = location.prefix ? `${location.prefix}/` : "";
  for (const object of objects) {
    const relative = object.key.slice(root.length);
    const slash = relative.lastIndexOf("/");
    if (!isEventFile(relative.slice(slash + 1))) continue;
    const run = slash < 0 ? "." : relative.slice(0, slash);
    runs.set(run, [...(runs.get(run) ?? []), object]);
  }
  for (const files of runs.values()) files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return runs;
}

export class RemoteLogdir extends Logdir {
  /** Objects the last reload could not read (after retries): tried again on the next reload. */
  failures: { object: string; error: string }[] = [];
  private readonly location: S3Location;
  private readonly store: S3Store;
  private readonly remoteRuns = new Map<string, RemoteRun>();
  /** Bytes fetched by all reloads (to check that reloads fetch only what is new). */
  bytesFetched = 0;

  constructor(url: string, options: RemoteLoadOptions = {}) {
    super(url, options);
    this.location = parseS3Url(url);
    this.store = new S3Store(options.s3);
  }

  override reload(): this {
    throw new Error(`${this.dir} is in object storage: reload it with \`await logdir.reloadAsync()\``);
  }

  override async reloadAsync(): Promise<this> {
    const { bucket } = this.location;
    const objects = await this.store.list(bucket, this.location.prefix);
    this.failures = [];
    const keys = new Set(objects.map((o) => o.key));
    const wanted = [...runsOfKeys(this.location, objects)].filter(([name]) => this.wantsRun(name));
    // Runs are independent (each has its own decoder and sink), so their objects are fetched concurrently: the
    // network waits overlap each other and the decoding. A run's files stay in order (purging depends on it).
    const concurrency = (this.options as RemoteLoadOptions).concurrency ?? DEFAULT_CONCURRENCY;
    await eachBounded(wanted, concurrency, async ([name, files]) => {
      const run = this.remoteRun(name);
      for (const { key, size } of files) await this.readFile(run, key, size);
      if (!this.options.kinds || this.options.kinds.includes("embeddings"))
        run.data.embeddings = await this.readEmbeddings(name, keys);
    });
    // In listing order, whatever order the fetches finished in.
    for (const [name] of wanted) this.runs.set(name, this.remoteRun(name).data);
    return this;
  }

  /**
   * The run's projector_config.pbtxt and the files it lists, fetched now (EmbeddingData reads synchronously);
   * a file that cannot be fetched is named in `failures` and its embedding's methods say which.
   */
  private async readEmbeddings(run: string, keys: Set<string>): Promise<EmbeddingData[]> {
    const folder = [this.location.prefix, run === "." ? "" : run].filter(Boolean).join("/");
    const keyOf = (path: string): string => (folder ? `${folder}/${path}` : path);
    const configKey = keyOf(PROJECTOR_CONFIG);
    if (!keys.has(configKey)) return [];
    const fetched = new Map<string, Buffer>();
    const fetch = async (path: string): Promise<void> => {
      try {
        fetched.set(path, await this.store.read(this.location.bucket, keyOf(path)));
      } catch (error) {
        this.failures.push({
          object: s3Url(this.location.bucket, keyOf(path)),
          error: (error as Error).message,
        });
      }
    };
    await fetch(PROJECTOR_CONFIG);
    const config = fetched.get(PROJECTOR_CONFIG);
    if (!config) return [];
    const listed = embeddingsOfConfig(config.toString("utf8"), () => undefined);
    for (const e of listed)
      for (const path of [e.tensorPath, e.metadataPath, e.sprite?.imagePath])
        if (path !== undefined && keys.has(keyOf(path))) await fetch(path);
    return embeddingsOfConfig(config.toString("utf8"), (path) => fetched.get(path));
  }

  private remoteRun(name: string): RemoteRun {
    let run = this.remoteRuns.get(name);
    if (!run) {
      const data = emptyRun(name);
      const {
        runs: _runs,
        workers: _workers,
        s3: _s3,
        concurrency: _c,
        ...read
      } = this.options as RemoteLoadOptions;
      const decoder = new SummaryDecoder();
      run = {
        data,
        decoder,
        sink: sinkFor(data, initialPurgeState(read.purge), filterOf(read)),
        files: new Map(),
      };
      this.remoteRuns.set(name, run);
    }
    return run;
  }

  private async readFile(run: RemoteRun, key: string, size: number): Promise<void> {
    let file = run.files.get(key);
    if (!file) {
      file = { offset: 0, pending: Buffer.alloc(0) };
      run.files.set(key, file);
      run.data.files.push(s3Url(this.location.bucket, key));
    }
    if (size <= file.offset) return;
    let fresh: Buffer;
    try {
      fresh = await this.store.read(this.location.bucket, key, file.offset);
    } catch (error) {
      this.failures.push({ object: s3Url(this.location.bucket, key), error: (error as Error).message });
      return;
    }
    this.bytesFetched += fresh.length;
    file.offset += fresh.length;
    const stats = run.data.stats;
    stats.pendingBytes -= file.pending.length;
    const buffer = file.pending.length ? Buffer.concat([file.pending, fresh]) : fresh;
    const consumed = deliver(buffer, run.decoder, stats, run.sink);
    file.pending = Buffer.from(buffer.subarray(consumed));
    stats.pendingBytes += file.pending.length;
  }
}

/**
 * loadLogdir for local folders and s3:// URLs alike: resolves to a Logdir; call `await logdir.reloadAsync()`
 * to read what was written since.
 */
export async function loadLogdirAsync(dir: string, options: RemoteLoadOptions = {}): Promise<Logdir> {
  if (typeof dir !== "string")
    throw new TypeError(`loadLogdirAsync expects a directory path or s3:// URL, got ${String(dir)}`);
  if (!/^s3:\/\//i.test(dir)) return loadLogdir(dir, options);
  checkLoadOptions(options);
  const { concurrency } = options;
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 64))
    throw new RangeError(
      `loadLogdirAsync: concurrency must be a whole number in [1, 64], got ${String(concurrency)}`,
    );
  return new RemoteLogdir(dir, options).reloadAsync();
}
