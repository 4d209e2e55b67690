// Reading one run: its files are tailed in name order into one RunData, through one decoder, because a tag's
// plugin is named only in its first value, which may sit in an earlier file of the run.
import { statSync } from "node:fs";
import { EventFileTail, type TailPosition } from "./reader";
import { SummaryDecoder } from "./decode";
import { emptyRun, sinkFor, type RunData } from "./run-data";

export class RunReader {
  private readonly tails = new Map<string, EventFileTail>();

  constructor(
    readonly data: RunData,
    readonly decoder = new SummaryDecoder(),
  ) {}

  /** A fresh run, read in full from `files`, its scalar columns trimmed to their points. */
  static load(name: string, files: string[]): RunReader {
    const reader = new RunReader(emptyRun(name));
    reader.read(files);
    for (const series of reader.data.scalars.values()) series.trim();
    return reader;
  }

  /** Reads everything appended to `files` since the last call; new files are read from their start. */
  read(files: string[]): void {
    const sink = sinkFor(this.data);
    for (const file of files) this.tail(file).read(sink);
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
