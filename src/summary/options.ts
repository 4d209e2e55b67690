// Checks summary() options at the call, naming what was expected, and fills in torchinfo's defaults.
import { shapeHint } from "../model/shape-hint";
import type { ColumnName, ResolvedOptions, Shape, SummaryOptions } from "./types";

export const COLUMN_NAMES: readonly ColumnName[] = [
  "inputSize",
  "outputSize",
  "numParams",
  "paramsPercent",
  "kernelSize",
  "multAdds",
  "trainable",
];

// torchinfo users will type its names; they mean the same columns.
const TORCHINFO_NAMES: Record<string, ColumnName> = {
  input_size: "inputSize",
  output_size: "outputSize",
  num_params: "numParams",
  params_percent: "paramsPercent",
  kernel_size: "kernelSize",
  mult_adds: "multAdds",
};

const OPTION_NAMES = [
  "inputSize",
  "columns",
  "depth",
  "colWidth",
  "depthIndex",
  "varNames",
  "asciiOnly",
  "hideRecursiveLayers",
  "hideLayerTypes",
  "channelsFirst",
  "interactive",
];

function fail(message: string): never {
  throw new Error(`summary: ${message}`);
}

function resolveColumns(columns: unknown): ColumnName[] {
  if (columns === undefined) return ["outputSize", "numParams"];
  if (!Array.isArray(columns)) fail(`columns must be a list such as ["outputSize", "numParams"]`);
  return columns.map((c) => {
    if ((COLUMN_NAMES as readonly unknown[]).includes(c)) return c as ColumnName;
    if (typeof c === "string" && c in TORCHINFO_NAMES) return TORCHINFO_NAMES[c];
    return fail(`unknown column ${JSON.stringify(c)}; expected one of ${COLUMN_NAMES.join(", ")}`);
  });
}

function resolveDepth(depth: unknown): number {
  if (depth === undefined) return 3;
  const valid = typeof depth === "number" && depth >= 0 && (Number.isInteger(depth) || depth === Infinity);
  if (!valid)
    fail(`depth must be a non-negative integer (0 shows only the model, default 3), got ${String(depth)}`);
  return depth;
}

function resolveFlag(options: SummaryOptions, name: keyof SummaryOptions, fallback: boolean): boolean {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") fail(`${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function resolveOptions(options: SummaryOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) fail("options must be an object");
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.includes(key))
      fail(`unknown option ${JSON.stringify(key)}; expected one of ${OPTION_NAMES.join(", ")}`);
  }
  const colWidth = options.colWidth ?? 25;
  if (!Number.isInteger(colWidth) || colWidth <= 0)
    fail(`colWidth must be a positive integer, got ${String(colWidth)}`);
  const hide = options.hideLayerTypes ?? [];
  if (!Array.isArray(hide) || !hide.every((t) => typeof t === "string")) {
    fail(`hideLayerTypes must be a list of layer class names such as ["Add"]`);
  }
  return {
    columns: resolveColumns(options.columns),
    depth: resolveDepth(options.depth),
    colWidth,
    depthIndex: resolveFlag(options, "depthIndex", true),
    varNames: resolveFlag(options, "varNames", false),
    asciiOnly: resolveFlag(options, "asciiOnly", false),
    hideRecursiveLayers: resolveFlag(options, "hideRecursiveLayers", false),
    hideLayerTypes: hide,
    channelsFirst: resolveFlag(options, "channelsFirst", false),
  };
}

/** The input shapes to infer with: the caller's, or the model's own with batch 1. */
export function resolveInputSize(inputSize: unknown, modelShapes: Shape[], names: string[]): Shape[] {
  if (inputSize === undefined) return modelShapes.map((s) => [s[0] ?? 1, ...s.slice(1)]);
  const isShape = (v: unknown) => Array.isArray(v) && v.every((d) => Number.isInteger(d) && d > 0);
  const list = Array.isArray(inputSize) && inputSize.every(Array.isArray) ? inputSize : [inputSize];
  if (!list.every(isShape)) {
    fail(
      `inputSize must be a shape with the batch dimension such as [1, 224, 224, 3] (positive integers), ` +
        `or a list of such shapes; got ${JSON.stringify(inputSize)}`,
    );
  }
  const shapes = list as number[][];
  if (shapes.length !== modelShapes.length) {
    fail(
      `the model has ${modelShapes.length} input(s) (${names.join(", ")}) but inputSize gives ${shapes.length}`,
    );
  }
  shapes.forEach((shape, i) => checkAgainstModel(shape, modelShapes[i], names[i]));
  return shapes;
}

function checkAgainstModel(shape: number[], declared: Shape, name: string): void {
  const mismatch =
    shape.length !== declared.length || declared.some((d, k) => k > 0 && d !== null && d !== shape[k]);
  if (mismatch) {
    const expected = `[batch, ${declared
      .slice(1)
      .map((d) => d ?? "any")
      .join(", ")}]`;
    const message = `inputSize ${JSON.stringify(shape)} does not fit input "${name}", which takes ${expected}`;
    const hint = shapeHint(shape, declared, "shape");
    const sizeOnly = hint === "" || hint.startsWith("axis");
    fail(
      `${message}${hint ? `: ${hint}` : ""}${sizeOnly ? "; a model takes the input size it was built for" : ""}`,
    );
  }
}
