// Binary values in widget state travel as message buffers (widget protocol: the value is removed from the
// state and its path listed in `buffer_paths`). Typed arrays anywhere in the state are moved out this way.

export type StatePath = (string | number)[];

export interface SplitState {
  state: Record<string, unknown>;
  bufferPaths: StatePath[];
  buffers: Uint8Array[];
}

function isBinary(value: unknown): value is ArrayBufferView {
  return ArrayBuffer.isView(value);
}

function asBytes(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Copies `state` without its binary leaves (dict keys deleted, list slots set to null), like ipywidgets. */
export function splitBuffers(state: Record<string, unknown>): SplitState {
  const bufferPaths: StatePath[] = [];
  const buffers: Uint8Array[] = [];
  const walk = (value: unknown, path: StatePath): unknown => {
    if (isBinary(value)) {
      bufferPaths.push(path);
      buffers.push(asBytes(value));
      return undefined;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]) ?? null);
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const kept = walk(item, [...path, key]);
        if (kept !== undefined) out[key] = kept;
      }
      return out;
    }
    return value;
  };
  return { state: walk(state, []) as Record<string, unknown>, bufferPaths, buffers };
}
