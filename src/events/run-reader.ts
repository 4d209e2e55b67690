// Reading one run: its files are tailed in name order into one RunData, through one decoder, because a tag's
// plugin is named only in its first value, which may sit in an earlier file of the run; and through one sink,
// whose restart-purging state spans the files.
import { statSync } from "node:fs";
import { EventFileTail, type TailPosition } from "./reader";
import { SummaryDecoder } from "./decode";
import { emptyRun, sinkFor, type RunData, type RunFilter, type RunKind } from "./run-data";
import { initialPurgeState, type PurgeMode, type PurgeState } from "./purge";
import type { RecordSink } from "./reader";

/** What to keep of a run, in a form that can be sent to a worker thread. */
export interface ReadOptions {
  kinds?: RunKind[];
  /** Tags to keep: exact names, or a pattern. */
  tags?: string[] | RegExp;
  purge?: PurgeMode;
}

export function filterOf(options: ReadOptions): RunFilter {
  const { kinds, tags } = options;
  const names = Array.isArray(tags) ? new Set(tags) : undefined;
  return {
    kinds: kinds ? new Set(kinds) : undefined,
    tag: names ? (tag) => names.has(tag) : tags instanceof RegExp ? (tag) => tags.test(tag) : undefined,
  };
}

export class RunReader {
  private readonly tails = new Map<string, EventFileTail>();
  private readonly sink: RecordSink;

  constructor(
    readonly data: RunData,
    readonly decoder = new SummaryDecoder(),
    readonly options: ReadOptions = {},
    readonly purgeState: PurgeState = initialPurgeState(options.purge),
  ) {
    this.sink = sinkFor(data, purgeState, filterOf(options));
  }

  /** A fresh run, read in full from `files`, its scalar columns trimmed to their points. */
  static load(name: string, files: string[], options: ReadOptions = {}): RunReader {
    const reader = new RunReader(emptyRun(name), undefined, options);
    reader.read(files);
    for (const series of reader.data.scalars.values()) series.trim();
    return reader;
  }

  /** Reads everything appended to `files` since the last call; new files are read from their start. */
  read(files: string[]): void {
    for (const file of files) this.tail(file).read(this.sink);
  }

  /** Continues `file` from a position reached elsewhere (a worker thread). */
  resume(file: string, from: TailPosition): void {
    this.tails.set(file, new EventFileTail(file, this.data.stats, this.decoder, from));
    this.data.files.push(file);
  }

  positions(): [file: string, position: TailPosition][] {
    return [...this.tails].map(([file, tail]) => [file, tail.position]);
  }

  private tail(file: string): EventFileTail {
    let tail = this.tails.get(file);
    if (!tail) {
      tail = new EventFileTail(file, this.data.stats, this.decoder);
      this.tails.set(file, tail);
      this.data.files.push(file);
    }
    return tail;
  }
}

/** Bytes in `files` (missing files count as empty): what a load of them would read. */
export function bytesOf(files: string[]): number {
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // deleted since it was listed
    }
  }
  return total;
}
