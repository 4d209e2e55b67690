// A run read in a worker thread, as a message for the main thread: scalar columns travel as transferred
// Float64Arrays (no copy), everything else by structured clone. Structured clone turns Buffers into plain
// Uint8Arrays, so unpacking wraps them again; packing copies each into its own exact-size array first, because
// cloning a view clones its whole backing store (for small Buffers, Node's shared 8 KB pool).
import type { TransferListItem } from "node:worker_threads";
import type { ImageData } from "./decode";
import { SummaryDecoder } from "./decode";
import type { TailPosition } from "./reader";
import { ScalarColumns, type RunData, type StepPoint } from "./run-data";
import { RunReader } from "./run-reader";

export interface PackedRun {
  data: Omit<RunData, "scalars" | "files">;
  scalars: [tag: string, ...columns: ReturnType<ScalarColumns["columns"]>, length: number][];
  tails: [file: string, position: TailPosition][];
  plugins: [tag: string, plugin: string][];
}

function exactCopy(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function mapImages(
  images: Map<string, StepPoint<ImageData[]>[]>,
  convert: (bytes: Uint8Array) => Uint8Array,
): Map<string, StepPoint<ImageData[]>[]> {
  const out = new Map<string, StepPoint<ImageData[]>[]>();
  for (const [tag, points] of images)
    out.set(
      tag,
      points.map((point) => ({
        ...point,
        value: point.value.map((image) => ({ ...image, encoded: convert(image.encoded) as Buffer })),
      })),
    );
  return out;
}

export function packRun(reader: RunReader): { packed: PackedRun; transfer: TransferListItem[] } {
  const { scalars, files: _files, ...rest } = reader.data;
  const transfer: TransferListItem[] = [];
  const packedScalars: PackedRun["scalars"] = [];
  for (const [tag, series] of scalars) {
    const columns = series.columns();
    for (const column of columns) transfer.push(column.buffer);
    packedScalars.push([tag, ...columns, series.length]);
  }
  const data = {
    ...rest,
    images: mapImages(rest.images, exactCopy),
    graphs: rest.graphs.map(exactCopy) as Buffer[],
  };
  const packed = {
    data,
    scalars: packedScalars,
    tails: reader.positions(),
    plugins: reader.decoder.plugins(),
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
    images: mapImages(data.images, asBuffer),
    graphs: data.graphs.map(asBuffer),
  };
  const reader = new RunReader(run, new SummaryDecoder(packed.plugins));
  for (const [file, position] of packed.tails) reader.resume(file, position);
  return reader;
}
