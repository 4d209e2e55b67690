// nbformat 4 notebooks: reading with clear errors, the parts the runner uses, and writing back as Jupyter does.
import { readFileSync, writeFileSync } from "node:fs";

export interface Output {
  output_type: "stream" | "display_data" | "execute_result" | "error" | string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface Cell {
  cell_type: string;
  source: string | string[];
  metadata: { tags?: string[]; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
  [key: string]: unknown;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

export class NotebookError extends Error {}

export function joinText(text: string | string[] | undefined): string {
  return Array.isArray(text) ? text.join("") : (text ?? "");
}

export function readNotebook(path: string): Notebook {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new NotebookError(
      `${path}: not a readable notebook (expected nbformat 4 JSON): ${(error as Error).message}`,
    );
  }
  const notebook = parsed as Partial<Notebook>;
  if (typeof notebook !== "object" || notebook === null || !Array.isArray(notebook.cells)) {
    throw new NotebookError(`${path}: not a notebook: expected a JSON object with a "cells" array`);
  }
  if (notebook.nbformat !== 4) {
    throw new NotebookError(`${path}: nbformat ${String(notebook.nbformat)} is not supported (expected 4)`);
  }
  notebook.cells.forEach((cell, index) => {
    const source = (cell as Partial<Cell>)?.source;
    if (typeof cell?.cell_type !== "string" || (typeof source !== "string" && !Array.isArray(source))) {
      throw new NotebookError(`${path}: cell ${index + 1} has no cell_type or source`);
    }
    cell.metadata ??= {};
    if (cell.cell_type === "code" && !Array.isArray(cell.outputs)) {
      throw new NotebookError(`${path}: code cell ${index + 1} has no "outputs" array`);
    }
  });
  return notebook as Notebook;
}

/** Jupyter's own layout: one-space indentation, a final newline, multi-line strings kept as given. */
export function writeNotebook(path: string, notebook: Notebook): void {
  writeFileSync(path, JSON.stringify(notebook, null, 1) + "\n");
}

/** Splits text into the line list nbformat stores ("a\nb" → ["a\n", "b"]). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

// nbval's comment markers, written as TypeScript comments: `// NBVAL_SKIP` on a line of its own anywhere in
// the cell means the same as the tag `nbval-skip` (also `# NBVAL_...`, as nbval spells them in Python).
const MARKER_LINE = /^\s*(?:\/\/|#)\s*(NBVAL_(?:IGNORE_OUTPUT|SKIP|RAISES_EXCEPTION|CHECK_OUTPUT))\s*$/gm;

/** The cell's tags, with nbval's comment markers as the tags they stand for. */
export function tags(cell: Cell): Set<string> {
  const found = new Set(Array.isArray(cell.metadata.tags) ? cell.metadata.tags : []);
  if (cell.cell_type !== "code") return found;
  for (const [, marker] of joinText(cell.source).matchAll(MARKER_LINE)) {
    found.add(marker.toLowerCase().replace("nbval_", "nbval-").replaceAll("_", "-"));
  }
  return found;
}
