// Reading a run's projector_config.pbtxt (protobuf text format, as PyTorch's add_embedding and TensorBoard's
// projector write it) into EmbeddingData whose files are read on access.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { EmbeddingData } from "./kinds";

export const PROJECTOR_CONFIG = "projector_config.pbtxt";

type TextMessage = Map<string, (string | number | TextMessage)[]>;

/** Tokens of protobuf text format: names, ':', '{', '}', quoted strings (C escapes) and numbers. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern = /\s+|#[^\n]*|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|([{}:;,<>])|([^\s{}:;,<>"']+)/gy;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const token = m[1] ?? m[2] ?? m[3];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11 };

/** A quoted text-format string: C escapes, octal bytes (how text_format writes non-ASCII), UTF-8 inside. */
function unquote(token: string): string {
  const raw = Buffer.from(token.slice(1, -1), "utf8");
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 0x5c || i + 1 >= raw.length) {
      bytes.push(raw[i]);
      continue;
    }
    i++;
    const octal = /^[0-7]{1,3}/.exec(raw.subarray(i, i + 3).toString("latin1"));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length - 1;
    } else bytes.push(ESCAPES[String.fromCharCode(raw[i])] ?? raw[i]);
  }
  return Buffer.from(bytes).toString("utf8");
}

function parseMessage(tokens: string[], at: { i: number }): TextMessage {
  const message: TextMessage = new Map();
  while (at.i < tokens.length && tokens[at.i] !== "}" && tokens[at.i] !== ">") {
    const name = tokens[at.i++];
    if (tokens[at.i] === ":") at.i++;
    let value: string | number | TextMessage;
    if (tokens[at.i] === "{" || tokens[at.i] === "<") {
      at.i++;
      value = parseMessage(tokens, at);
      at.i++; // closing brace
    } else {
      const token = tokens[at.i++] ?? "";
      value = /^["']/.test(token) ? unquote(token) : Number(token);
    }
    if (tokens[at.i] === ";" || tokens[at.i] === ",") at.i++;
    message.set(name, [...(message.get(name) ?? []), value]);
  }
  return message;
}

export function parseTextProto(text: string): TextMessage {
  return parseMessage(tokenize(text), { i: 0 });
}

/** Reads the files of one embedding; `read` fetches a path relative to the run (local or remote). */
export type FileSource = (path: string) => Buffer | undefined;

function splitTsv(text: string): string[][] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line) => line.replace(/\r$/, "").split("\t"));
}

function embeddingOf(entry: TextMessage, read: FileSource): EmbeddingData | undefined {
  const str = (m: TextMessage, name: string): string | undefined => {
    const v = m.get(name)?.[0];
    return typeof v === "string" ? v : undefined;
  };
  const tensorName = str(entry, "tensor_name") ?? "";
  const tensorPath = str(entry, "tensor_path");
  if (!tensorPath) return undefined; // a checkpoint variable: nothing to read without TensorFlow
  const metadataPath = str(entry, "metadata_path");
  const spriteMessage = entry.get("sprite")?.[0];
  const sprite =
    spriteMessage instanceof Map && str(spriteMessage, "image_path")
      ? {
          imagePath: str(spriteMessage, "image_path") as string,
          singleImageDim: (spriteMessage.get("single_image_dim") ?? []).map(Number) as [number, number],
        }
      : undefined;
  const match = /^(.*):(-?\d+)$/.exec(tensorName);
  const need = (path: string): Buffer => {
    const bytes = read(path);
    if (!bytes) throw new Error(`embedding ${tensorName}: cannot read ${path}`);
    return bytes;
  };
  return {
    tensorName,
    tag: match ? match[1] : tensorName,
    step: match ? Number(match[2]) : NaN,
    tensorPath,
    metadataPath,
    sprite,
    vectors() {
      const rows = splitTsv(need(tensorPath).toString("utf8"));
      const d = rows[0]?.length ?? 0;
      const values = new Float32Array(rows.length * d);
      rows.forEach((row, i) => row.forEach((cell, j) => (values[i * d + j] = Number(cell))));
      return { shape: [rows.length, d], values };
    },
    metadata() {
      if (!metadataPath) return undefined;
      const rows = splitTsv(need(metadataPath).toString("utf8"));
      // The projector's rule: a first line with a tab is a header.
      return rows.length > 0 && rows[0].length > 1 ? { header: rows[0], rows: rows.slice(1) } : { rows };
    },
    spriteImage: () => (sprite ? need(sprite.imagePath) : undefined),
  };
}

/** The embeddings a projector_config.pbtxt lists; paths are resolved against the run's folder by `read`. */
export function embeddingsOfConfig(text: string, read: FileSource): EmbeddingData[] {
  const config = parseTextProto(text);
  return (config.get("embeddings") ?? [])
    .filter((e): e is TextMessage => e instanceof Map)
    .map((entry) => embeddingOf(entry, read))
    .filter((e): e is EmbeddingData => e !== undefined);
}

/** The embeddings of the run in local folder `runDir` ([] without a projector config). */
export function readLocalEmbeddings(runDir: string): EmbeddingData[] {
  let text: string;
  try {
    text = readFileSync(join(runDir, PROJECTOR_CONFIG), "utf8");
  } catch {
    return [];
  }
  const read: FileSource = (path) => {
    try {
      return readFileSync(isAbsolute(path) ? path : join(runDir, path));
    } catch {
      return undefined;
    }
  };
  return embeddingsOfConfig(text, read);
}
