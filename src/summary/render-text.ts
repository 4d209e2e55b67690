// The plain-text table, laid out by torchinfo's rules (formatting.py on `main`): name column of at least 40
// characters, data columns of colWidth, values never truncated, trailing spaces stripped, "=" dividers.
import {
  EMPTY,
  formatLine,
  formatMultAdds,
  formatParams,
  formatPercent,
  formatShapes,
  formatTrainable,
  multAddsLine,
  paramLines,
  sizeLines,
} from "./format";
import type { ColumnName, ResolvedOptions, SummaryData, SummaryRow } from "./types";

export const COLUMN_TITLES: Record<ColumnName, string> = {
  kernelSize: "Kernel Shape",
  inputSize: "Input Shape",
  outputSize: "Output Shape",
  numParams: "Param #",
  paramsPercent: "Param %",
  multAdds: "Mult-Adds",
  trainable: "Trainable",
};

export function cellText(row: SummaryRow, column: ColumnName, data: SummaryData): string {
  const { channelsFirst } = data.options;
  switch (column) {
    case "kernelSize":
      return row.kernelSize ? `[${row.kernelSize.join(", ")}]` : EMPTY;
    case "inputSize":
      return formatShapes(row.inputShapes, channelsFirst);
    case "outputSize":
      return formatShapes(row.outputShapes, channelsFirst);
    case "numParams":
      return formatParams(row);
    case "paramsPercent":
      return formatPercent(row, data.totals.totalParams);
    case "multAdds":
      return formatMultAdds(row);
    case "trainable":
      return formatTrainable(row);
  }
}

export function headerTitle(options: ResolvedOptions): string {
  return `Layer (type${options.varNames ? " (var_name)" : ""}${options.depthIndex ? ":depth-idx" : ""})`;
}

/** "Conv2D: 3-1", or "Conv2D (layer1.0.conv1): 3-1" with varNames. */
export function rowLabel(row: SummaryRow, options: ResolvedOptions): string {
  const name = options.varNames ? ` (${row.name})` : "";
  const index = options.depthIndex && row.depth > 0 ? `: ${row.depth}-${row.depthIndex}` : "";
  return `${row.className}${name}${index}`;
}

export function treePrefix(depth: number, asciiOnly: boolean): string {
  if (depth === 0) return "";
  if (depth === 1) return asciiOnly ? "+ " : "├─";
  return (asciiOnly ? "|    " : "│    ").repeat(depth - 1) + (asciiOnly ? "+ " : "└─");
}

function nameWidth(data: SummaryData): number {
  const widest = Math.max(...data.allRows.map((r) => rowLabel(r, data.options).length + 5 * r.depth + 1));
  return widest >= 40 ? Math.ceil(widest / 5) * 5 : 40;
}

export function renderText(data: SummaryData): string {
  const { options } = data;
  const width = nameWidth(data);
  const line = (name: string, values: string[]) =>
    (name.padEnd(width) + " " + values.map((v) => v.padEnd(options.colWidth) + " ").join("")).trimEnd();
  const divider = "=".repeat(options.columns.length * options.colWidth + width);
  const out = [
    divider,
    line(
      headerTitle(options),
      options.columns.map((c) => COLUMN_TITLES[c]),
    ),
    divider,
  ];
  for (const row of data.rows) {
    const name = treePrefix(row.depth, options.asciiOnly) + rowLabel(row, options);
    out.push(
      line(
        name,
        options.columns.map((c) => cellText(row, c, data)),
      ),
    );
  }
  out.push(divider, ...paramLines(data.totals).map(formatLine));
  if (data.shapesKnown) {
    out.push(formatLine(multAddsLine(data.totals)), divider, ...sizeLines(data.totals).map(formatLine));
  }
  out.push(divider);
  return out.join("\n");
}
