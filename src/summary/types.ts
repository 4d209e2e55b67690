// Plain data shared by the summary stages: collect (walk a model) → data (rows and totals) → render (text, HTML).

/** A tensor shape; null marks a dimension that static inference cannot know (no inputSize given). */
export type Shape = (number | null)[];

/** Table columns, printed in the order given (torchinfo's snake_case names are accepted too). */
export type ColumnName =
  "inputSize" | "outputSize" | "numParams" | "paramsPercent" | "kernelSize" | "multAdds" | "trainable";

export interface SummaryOptions {
  /** Return a live widget (tensorscope/widgets, in the kernel) instead of the static picture. */
  interactive?: boolean;
  /**
   * Input shapes with the batch dimension, NHWC, e.g. [1, 224, 224, 3]; a list of shapes for several inputs.
   * Default: the model's own input shapes with batch 1.
   */
  inputSize?: number[] | number[][];
  /** Default ["outputSize", "numParams"], as torchinfo's. */
  columns?: (ColumnName | string)[];
  /** Deepest nesting level shown (the model is level 0). Default 3. */
  depth?: number;
  /** Width of each data column. Default 25. */
  colWidth?: number;
  /** Show `:depth-idx` after each type. Default true. */
  depthIndex?: boolean;
  /** Show each layer's name after its type, as torchinfo's var_names row setting. Default false. */
  varNames?: boolean;
  /** "+ " and "|" instead of box-drawing glyphs. Default false. */
  asciiOnly?: boolean;
  /** Drop the rows of second and later calls of a shared layer. Default false. */
  hideRecursiveLayers?: boolean;
  /**
   * Layer class names to leave out of the table, e.g. ["Add"]: PyTorch adds residuals in forward() with no
   * module, so torchinfo has no row for them. Hidden layers still count in every total.
   */
  hideLayerTypes?: string[];
  /** Print rank-4 and rank-5 shapes channels-first ([N, C, H, W]) like PyTorch. Default false (NHWC). */
  channelsFirst?: boolean;
}

/** One call of one layer (a shared layer called twice gives two rows), in call order. */
export interface CollectedRow {
  name: string;
  className: string;
  depth: number;
  inputShapes: Shape[];
  outputShapes: Shape[];
  kernelSize: number[] | null;
  /** All weights of the layer, including those of nested layers; BN moving statistics included. */
  params: number;
  trainableParams: number;
  /** Mult-adds of this call; 0 for containers (their layers have their own rows). */
  multAdds: number;
  /** Bytes of the first output tensor. */
  outputBytes: number;
  isContainer: boolean;
  /** A second or later call of a layer (or a layer inside a container called again). */
  isRecursive: boolean;
}

export interface Collected {
  rows: CollectedRow[];
  inputBytes: number;
  totalParams: number;
  trainableParams: number;
  paramBytes: number;
  /** False when some dimension stayed unknown, so mult-adds and memory cannot be computed. */
  shapesKnown: boolean;
}

/** A row as the table shows it, with torchinfo's rules for which counts appear already applied. */
export interface SummaryRow extends CollectedRow {
  /** Running number of rows at this depth, over all rows (also those deeper than `depth`), as torchinfo. */
  depthIndex: number;
  isLeaf: boolean;
  /** Param # cell: a count, "recursive", or null for "--". */
  shownParams: number | "recursive" | null;
  /** Mult-Adds cell: a count or null for "--". */
  shownMultAdds: number | null;
}

export interface SummaryTotals {
  totalParams: number;
  trainableParams: number;
  nonTrainableParams: number;
  totalMultAdds: number;
  inputBytes: number;
  forwardBackwardBytes: number;
  paramBytes: number;
  totalBytes: number;
}

export interface ResolvedOptions {
  columns: ColumnName[];
  depth: number;
  colWidth: number;
  depthIndex: boolean;
  varNames: boolean;
  asciiOnly: boolean;
  hideRecursiveLayers: boolean;
  hideLayerTypes: string[];
  channelsFirst: boolean;
}

export interface SummaryData {
  /** Rows shown at the chosen depth. */
  rows: SummaryRow[];
  /** Every row, also those deeper than `depth` (the HTML view can expand them). */
  allRows: SummaryRow[];
  totals: SummaryTotals;
  shapesKnown: boolean;
  options: ResolvedOptions;
}
