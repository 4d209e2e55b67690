// Number, shape and unit formatting shared by the text and HTML views, following torchinfo's `main` branch.
import type { Shape, SummaryRow, SummaryTotals } from "./types";

export const EMPTY = "--";

/** 11689512 → "11,689,512". */
export function groupDigits(value: number): string {
  const [whole, fraction] = String(value).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

export function formatShape(shape: Shape, channelsFirst: boolean): string {
  let dims = shape;
  if (channelsFirst && shape.length >= 4) dims = [shape[0], shape[shape.length - 1], ...shape.slice(1, -1)];
  return `[${dims.map((d) => (d === null ? "?" : String(d))).join(", ")}]`;
}

export function formatShapes(shapes: Shape[], channelsFirst: boolean): string {
  return shapes.length === 0 ? EMPTY : shapes.map((s) => formatShape(s, channelsFirst)).join(", ");
}

export function formatParams(row: SummaryRow): string {
  if (row.shownParams === "recursive") return "(recursive)";
  if (row.shownParams === null) return EMPTY;
  const text = groupDigits(row.shownParams);
  // torchinfo wraps a fully frozen layer's count in parentheses.
  return row.trainableParams === 0 && row.shownParams === row.params ? `(${text})` : text;
}

export function formatPercent(row: SummaryRow, totalParams: number): string {
  if (row.shownParams === "recursive") return "(recursive)";
  if (row.shownParams === null || totalParams === 0) return EMPTY.padStart(7);
  return `${((100 * row.shownParams) / totalParams).toFixed(2)}%`.padStart(7);
}

export function formatMultAdds(row: SummaryRow): string {
  if (row.shownMultAdds === null) return EMPTY;
  return Number.isNaN(row.shownMultAdds) ? "?" : groupDigits(row.shownMultAdds);
}

export function formatTrainable(row: SummaryRow): string {
  if (row.params === 0) return EMPTY;
  if (row.trainableParams === row.params) return "True";
  return row.trainableParams === 0 ? "False" : "Partial";
}

const UNITS: [number, string][] = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

/** torchinfo's auto units: " (G)" and the value in that unit, an integer when whole, else 2 decimals. */
export function withUnit(value: number, suffix = ""): { unit: string; text: string } {
  const [divisor, prefix] = UNITS.find(([d]) => value >= d) ?? [1, ""];
  const scaled = value / divisor;
  const text = Number.isInteger(scaled) ? groupDigits(scaled) : fixTwoDecimals(scaled);
  // Below 1,000 torchinfo prints no unit at all, not even "B" ("Input size: 76").
  return { unit: prefix ? ` (${prefix}${suffix})` : "", text };
}

function fixTwoDecimals(value: number): string {
  const [whole, fraction] = value.toFixed(2).split(".");
  return `${groupDigits(Number(whole))}.${fraction}`;
}

export interface TotalLine {
  label: string;
  unit: string;
  value: string;
}

export function paramLines(totals: SummaryTotals): TotalLine[] {
  return [
    { label: "Total params", unit: "", value: groupDigits(totals.totalParams) },
    { label: "Trainable params", unit: "", value: groupDigits(totals.trainableParams) },
    { label: "Non-trainable params", unit: "", value: groupDigits(totals.nonTrainableParams) },
  ];
}

export function multAddsLine(totals: SummaryTotals): TotalLine {
  const { unit, text } = withUnit(totals.totalMultAdds);
  return { label: "Total mult-adds", unit, value: text };
}

export function sizeLines(totals: SummaryTotals): TotalLine[] {
  const line = (label: string, bytes: number) => {
    const { unit, text } = withUnit(bytes, "B");
    return { label, unit, value: text };
  };
  return [
    line("Input size", totals.inputBytes),
    line("Forward/backward pass size", totals.forwardBackwardBytes),
    line("Params size", totals.paramBytes),
    line("Estimated Total Size", totals.totalBytes),
  ];
}

export const formatLine = (line: TotalLine) => `${line.label}${line.unit}: ${line.value}`;
