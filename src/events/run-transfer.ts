// A run read in a worker thread, as a message for the main thread: scalar columns travel as transferred
// Float64Arrays (no copy), everything else by structured clone. Images and audio clips travel as references
// to their bytes in the event files (see stored-bytes.ts), so they are not read to be sent. Structured clone
// turns Buffers into plain Uint8Arrays, so unpacking wraps them again; packing copies each into its own
// exact-size array first, because cloning a view clones its whole backing store (for small Buffers, Node's
// shared 8 KB pool).
import type { TransferListItem } from "node:worker_threads";
import { SummaryDecoder } from "./decode";
import type { TailPosition } from "./reader";
import { ScalarColumns, type RunData, type StepPoint } from "./run-data";
import { RunReader, type ReadOptions } from "./run-reader";
import type { PurgeState } from "./purge";
import { refOf, storedFromRef, storedOf, storeEncoded, type StoredRef } from "./stored-bytes";

type Holder = { encoded: Buffer };
type Packed<T> = Omit<T, "encoded"> & { ref: StoredRef };
type PackedPoints<T> = Map<string, StepPoint<Packed<T>[]>[]>;

export interface PackedRun {
  data: Omit<RunData, "scalars" | "files" | "images" | "audio" | "embeddings">;
  images: PackedPoints<RunData["images"] extends Map<string, StepPoint<(infer I)[]>[]> ? I : never>;
  audio: PackedPoints<RunData["audio"] extends Map<string, StepPoint<(infer A)[]>[]> ? A : never>;
  scalars: [tag: string, ...columns: ReturnType<ScalarColumns["columns"]>, length: number][];
  tails: [file: string, position: TailPosition][];
  plugins: [tag: string, plugin: string][];
  options: ReadOptions;
  purgeState: PurgeState;
}

function exactCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function mapPoints<A, B>(
  map: Map<string, StepPoint<A[]>[]>,
  convert: (a: A) => B,
): Map<string, StepPoint<B[]>[]> {
  const out = new Map<string, StepPoint<B[]>[]>();
  for (const [tag, points] of map)
    out.set(
      tag,
      points.map((point) => ({ ...point, value: point.value.map(convert) })),
    );
  return out;
}

function pack<T extends Holder>(holder: T): Packed<T> {
  // Copies the other fields without reading `encoded` (a getter that would read the file).
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(holder)) if (key !== "encoded") fields[key] = holder[key as keyof T];
  return { ...fields, ref: refOf(storedOf(holder)) } as Packed<T>;
}

function unpack<T extends Holder>(packed: Packed<T>): T {
  const { ref, ...rest } = packed;
  return storeEncoded({ ...rest, encoded: Buffer.alloc(0) } as unknown as T, storedFromRef(ref));
}

export function packRun(reader: RunReader): { packed: PackedRun; transfer: TransferListItem[] } {
  const { scalars, files: _files, images, audio, embeddings: _embeddings, ...rest } = reader.data;
  const transfer: TransferListItem[] = [];
  const packedScalars: PackedRun["scalars"] = [];
  for (const [tag, series] of scalars) {
    const columns = series.columns();
    for (const column of columns) transfer.push(column.buffer);
    packedScalars.push([tag, ...columns, series.length]);
  }
  const packed: PackedRun = {
    data: { ...rest, graphs: rest.graphs.map(exactCopy) as Buffer[] },
    images: mapPoints(images, pack),
    audio: mapPoints(audio, pack),
    scalars: packedScalars,
    tails: reader.positions(),
    plugins: reader.decoder.plugins(),
    options: reader.options,
    purgeState: reader.purgeState,
  };
  return { packed, transfer };
}

export function unpackRun(packed: PackedRun): RunReader {
  const { data } = packed;
  const scalars = new Map(
    packed.scalars.map(([tag, steps, wallTimes, values, length]) => [
      tag,
      new ScalarColumns(steps, wallTimes, values, length),
    ]),
  );
  const run: RunData = {
    ...data,
    files: [],
    scalars,
    images: mapPoints(packed.images, unpack),
    audio: mapPoints(packed.audio, unpack),
    embeddings: [],
    graphs: data.graphs.map(asBuffer),
  };
  const reader = new RunReader(run, new SummaryDecoder(packed.plugins), packed.options, packed.purgeState);
  for (const [file, position] of packed.tails) reader.resume(file, position);
  return reader;
}
