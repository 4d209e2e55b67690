// Embeddings for TensorBoard's projector, laid out as PyTorch's add_embedding does. The projector reads files
// beside the event files, not events: <logdir>/<step, 5 digits>/<tag, escaped>/tensors.tsv (one row per point),
// metadata.tsv (labels, optionally with a header row) and sprite.png (the label images in a square grid), each
// embedding listed in <logdir>/projector_config.pbtxt, a text-format ProjectorConfig.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { join } from "node:path";
import { encodePng, type RgbaImage } from "../image/png";
import { imagesToGrid, type ImageInput } from "./image-input";

export type EmbeddingMatrix = number[][] | { shape: number[]; dataSync(): ArrayLike<number> };
export type MetadataCell = string | number | boolean;

export interface EmbeddingOptions {
  /** One label per point, or (with `metadataHeader`) one row of columns per point. */
  metadata?: MetadataCell[] | MetadataCell[][];
  metadataHeader?: string[];
  /** One image per point, [N, C, H, W] with values in [0, 1] (PyTorch's label_img), tiled into the sprite. */
  labelImages?: ImageInput;
  step?: number;
  /** Default "default", as PyTorch. */
  tag?: string;
}

/** What projector_config.pbtxt lists for one embedding (paths relative to the logdir). */
export interface EmbeddingEntry {
  tensorName: string;
  tensorPath: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [width: number, height: number] };
}

const METHOD = "addEmbedding";

function rowsOf(mat: EmbeddingMatrix): number[][] {
  if (Array.isArray(mat)) {
    const width = mat[0]?.length;
    if (mat.length === 0 || !width || mat.some((row) => !Array.isArray(row) || row.length !== width))
      throw new RangeError(
        `${METHOD}: mat must be a non-empty [N, D] matrix: N rows of the same length D ≥ 1`,
      );
    return mat;
  }
  if (
    !mat ||
    typeof mat.dataSync !== "function" ||
    mat.shape?.length !== 2 ||
    mat.shape[0] * mat.shape[1] === 0
  )
    throw new RangeError(
      `${METHOD}: mat must be a non-empty [N, D] tensor or array of rows, got ${describe(mat)}`,
    );
  const [n, d] = mat.shape;
  const values = mat.dataSync();
  return Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => values[i * d + j]));
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return JSON.stringify(x).slice(0, 80);
  return x && typeof x === "object" && "shape" in x
    ? `shape [${(x as { shape: number[] }).shape}]`
    : String(x);
}

/** The projector splits rows at tabs and newlines, so a label holding one would shift every later label. */
function cell(value: MetadataCell): string {
  const text = String(value);
  if (/[\t\r\n]/.test(text))
    throw new RangeError(
      `${METHOD}: metadata ${JSON.stringify(text)} holds a tab or newline, which TSV cannot hold`,
    );
  return text;
}

function metadataTsv(
  metadata: EmbeddingOptions["metadata"],
  header: string[] | undefined,
  n: number,
): string {
  if (!Array.isArray(metadata) || metadata.length !== n)
    throw new RangeError(
      `${METHOD}: metadata must have one entry per point (${n}), got ${describe(metadata)}`,
    );
  if (!header) return metadata.map((label) => cell(label as MetadataCell)).join("\n") + "\n";
  // The projector takes a first line as a header only if it holds a tab.
  if (!Array.isArray(header) || header.length < 2)
    throw new RangeError(
      `${METHOD}: metadataHeader names two or more columns (one column of labels needs no header), got ${describe(header)}`,
    );
  const rows = metadata.map((row, i) => {
    if (!Array.isArray(row) || row.length !== header.length)
      throw new RangeError(
        `${METHOD}: with metadataHeader, metadata row ${i} must have ${header.length} columns`,
      );
    return row.map(cell).join("\t");
  });
  return [header.map(cell).join("\t"), ...rows].join("\n") + "\n";
}

/** The label images in a ceil(√N) × ceil(√N) grid, as the projector expects, padded with transparent tiles. */
function sprite(images: ImageInput, n: number): { png: Buffer; tile: [number, number] } {
  const shape = images?.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[0] !== n)
    throw new RangeError(
      `${METHOD}: labelImages must be [N, C, H, W] with N = ${n} points, got ${describe(images)}`,
    );
  const side = Math.ceil(Math.sqrt(n));
  const grid = imagesToGrid(images, "NCHW", side, METHOD);
  const [height, width] = [shape[2], shape[3]];
  const square: RgbaImage = {
    width: side * width,
    height: side * height,
    data: new Uint8ClampedArray(side * width * side * height * 4),
  };
  square.data.set(grid.data);
  return { png: encodePng(square), tile: [width, height] };
}

/** PyTorch's step folder, str(step).zfill(5): "00007", "-0003". */
const stepFolder = (step: number): string =>
  step < 0 ? `-${String(-step).padStart(4, "0")}` : String(step).padStart(5, "0");

/** PyTorch's escaping of a tag into one folder name. */
const folderOf = (tag: string): string =>
  tag.replace(/%/g, "%25").replace(/\//g, "%2f").replace(/\\/g, "%5c");

/** Writes one embedding's files under `logdir` and returns its projector_config entry. */
/** Writes a file of the logdir: `path` is relative to it. */
export type LogdirFileWriter = (path: string, bytes: string | Buffer) => void;

export const localFileWriter =
  (logdir: string): LogdirFileWriter =>
  (path, bytes) => {
    const file = join(logdir, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  };

export function writeEmbedding(
  logdir: string,
  mat: EmbeddingMatrix,
  options: EmbeddingOptions,
  write: LogdirFileWriter = localFileWriter(logdir),
): EmbeddingEntry {
  const rows = rowsOf(mat);
  const { tag = "default", step = 0 } = options;
  const subdir = `${stepFolder(step)}/${folderOf(tag)}`;
  const metadata =
    options.metadata === undefined
      ? undefined
      : metadataTsv(options.metadata, options.metadataHeader, rows.length);
  const images = options.labelImages === undefined ? undefined : sprite(options.labelImages, rows.length);
  write(`${subdir}/tensors.tsv`, rows.map((row) => row.join("\t")).join("\n") + "\n");
  const entry: EmbeddingEntry = {
    tensorName: `${tag}:${stepFolder(step)}`,
    tensorPath: `${subdir}/tensors.tsv`,
  };
  if (metadata !== undefined) {
    write(`${subdir}/metadata.tsv`, metadata);
    entry.metadataPath = `${subdir}/metadata.tsv`;
  }
  if (images) {
    write(`${subdir}/sprite.png`, images.png);
    entry.sprite = { imagePath: `${subdir}/sprite.png`, singleImageDim: images.tile };
  }
  return entry;
}

/** A protobuf text-format string literal: quotes and backslashes escaped, control characters as octal. */
function quoted(text: string): string {
  const escape = (c: string): string => {
    if (c === '"' || c === "\\") return `\\${c}`;
    const code = c.charCodeAt(0);
    return code < 0x20 || code === 0x7f ? `\\${code.toString(8).padStart(3, "0")}` : c;
  };
  return `"${Array.from(text, escape).join("")}"`;
}

/** projector_config.pbtxt for `entries`, fields in field-number order as protobuf's text_format writes them. */
export function projectorConfigText(entries: EmbeddingEntry[]): string {
  return entries
    .map((entry) => {
      const lines = [`  tensor_name: ${quoted(entry.tensorName)}`];
      if (entry.metadataPath) lines.push(`  metadata_path: ${quoted(entry.metadataPath)}`);
      if (entry.sprite) {
        const [width, height] = entry.sprite.singleImageDim;
        lines.push(
          "  sprite {",
          `    image_path: ${quoted(entry.sprite.imagePath)}`,
          `    single_image_dim: ${width}`,
          `    single_image_dim: ${height}`,
          "  }",
        );
      }
      lines.push(`  tensor_path: ${quoted(entry.tensorPath)}`);
      return ["embeddings {", ...lines, "}"].join("\n") + "\n";
    })
    .join("");
}
