// The shapes of the summary kinds a run holds beyond scalars, histograms, images, texts and PR curves: audio,
// meshes, the custom-scalars layout, raw tensors and projector embeddings. Views read these fields of RunData;
// keep them stable.

/**
 * Bytes stored inside an event file (an image or a WAV), read from the file each time `bytes()` is called, so a
 * loaded logdir holds offsets rather than gigabytes. Bytes that came from elsewhere (a remote logdir, a worker
 * thread's copy) are kept in memory and returned as they are.
 */
export interface StoredBytes {
  readonly byteLength: number;
  bytes(): Buffer;
}

export interface AudioClip {
  /** The encoded clip ("audio/wav" for every writer we know), read from the event file on access. */
  readonly encoded: Buffer;
  contentType: string;
  sampleRate: number;
  numChannels: number;
  lengthFrames: number;
  /** Markdown label of the clip ("" when none). */
  label: string;
}

/** One step of a mesh (the mesh plugin's VERTEX, FACE and COLOR tensors of one name, joined). */
export interface MeshData {
  /** [n, 3] xyz, flattened; several batch entries are concatenated (vertexCount counts them all). */
  vertices: Float32Array;
  vertexCount: number;
  /** [m, 3] vertex indices per triangle, flattened; undefined for a point cloud. */
  faces?: Int32Array;
  faceCount: number;
  /** [n, 3] RGB bytes per vertex, flattened; undefined when not logged. */
  colors?: Uint8Array;
  /** The writer's config_dict (three.js camera, lights, material), {} when none. */
  config: Record<string, unknown>;
}

export type CustomScalarChart =
  | {
      title: string;
      kind: "multiline";
      /** Tag regexes, matched against every run's scalar tags. */ tags: string[];
    }
  | {
      title: string;
      kind: "margin";
      /** Each series: the scalar tags of its value and of its lower and upper bounds. */
      series: { value: string; lower: string; upper: string }[];
    };

/** The custom-scalars plugin's Layout: categories of charts. */
export interface CustomScalarsLayout {
  categories: { title: string; closed: boolean; charts: CustomScalarChart[] }[];
}

/** A tensor logged with addTensor (plugin "tensor") or by a plugin tensorscope does not interpret. */
export interface TensorValue {
  /** TensorFlow's dtype name: "float32", "float64", "int32", "int64", "uint8", "bool", "string", ... */
  dtype: string;
  shape: number[];
  /** Row-major values: numbers, or UTF-8 strings for dtype "string". */
  values: number[] | string[];
  /** The plugin named in the tag's metadata ("tensor" for addTensor, "" for none). */
  plugin: string;
}

/** One embedding listed in a run's projector_config.pbtxt (read when the logdir is loaded; vectors on access). */
export interface EmbeddingData {
  /** "<tag>:<step, 5 digits>" as PyTorch names it. */
  tensorName: string;
  /** The tag and step parsed back from tensorName (step NaN when the name does not end in one). */
  tag: string;
  step: number;
  /** Absolute paths (or s3:// keys) of the files. */
  tensorPath: string;
  metadataPath?: string;
  sprite?: { imagePath: string; singleImageDim: [width: number, height: number] };
  /** [N, D]: read from tensors.tsv on first access. */
  vectors(): { shape: [number, number]; values: Float32Array };
  /** metadata.tsv as a header (when it has one) and rows of cells; undefined without metadata. */
  metadata(): { header?: string[]; rows: string[][] } | undefined;
  /** sprite.png's bytes; undefined without a sprite. */
  spriteImage(): Buffer | undefined;
}
