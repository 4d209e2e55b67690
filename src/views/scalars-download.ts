// The scalar chart's download links (TensorBoard's "data download links"): CSV and JSON of what the chart shows
// (the runs, tags and points drawn, with the smoothing the slider has set), built inside the chart by vega
// itself, so they work wherever the vega-lite chart is drawn and need no kernel round trip.
//
// Each link is a text mark with an `href` channel holding a data: URL. Chromium refuses to open a data: URL it
// would render, but downloads one it would not: CSV as text/csv (saved as download.csv), JSON as application/x-json
// (a type browsers do not render). Browsers cap URLs near 2 MB; the chart draws at most 16,000 points, whose CSV
// stays under that. A link is a navigation that ends in a download, so JupyterLab, when the notebook has unsaved
// changes, first asks whether to leave the page: leaving keeps the page and saves the file.

/** Columns of both downloads: wall time in seconds, as TensorBoard's CSV has it. */
export const DOWNLOAD_FIELDS = ["run", "tag", "step", "wall_time", "value", "smoothed"] as const;

/** A vega expression quoting a string field as a CSV cell. */
const csvString = (field: string): string => `'"' + replace(datum.${field}, regexp('"', 'g'), '""') + '"'`;

/** A vega expression giving a string field as a JSON string (backslash, quote and control characters escaped). */
const jsonString = (field: string): string =>
  `'"' + replace(replace(replace(replace(replace(datum.${field}, regexp('\\\\\\\\', 'g'), '\\\\\\\\'), ` +
  `regexp('"', 'g'), '\\\\"'), regexp('\\\\n', 'g'), '\\\\n'), regexp('\\\\r', 'g'), '\\\\r'), ` +
  `regexp('\\\\t', 'g'), '\\\\t') + '"'`;

/** A number, or empty (CSV) / null (JSON) where it is not finite. */
const numberOr = (expr: string, missing: string): string =>
  `(isFinite(${expr}) ? '' + (${expr}) : '${missing}')`;

function cells(smoothedField: string, quote: (field: string) => string, missing: string): string[] {
  return [
    quote("run"),
    quote("tag"),
    numberOr("datum.step", missing),
    numberOr("datum.wall / 1000", missing),
    numberOr("datum.value", missing),
    numberOr(`datum.${smoothedField}`, missing),
  ];
}

/** What a data: URL may not hold as such: '%' and '#' (and line breaks, which URL parsing drops). */
const urlSafe = (expr: string): string =>
  `replace(replace(replace(${expr}, regexp('%', 'g'), '%25'), regexp('#', 'g'), '%23'), regexp('\\\\n', 'g'), '%0A')`;

function linkLayer(
  label: string,
  line: string,
  /** The file as a vega expression of `lines`, the rows' lines joined by `separator`. */
  file: (lines: string) => string,
  separator: string,
  x: number,
): Record<string, unknown> {
  const lines = `join(pluck(datum.downloadLines, 'downloadLine'), '${separator}')`;
  return {
    transform: [
      { calculate: line, as: "downloadLine" },
      { aggregate: [{ op: "values", field: "downloadLine", as: "downloadLines" }] },
      { calculate: file(lines), as: "downloadHref" },
    ],
    mark: {
      type: "text",
      text: label,
      align: "right",
      baseline: "bottom",
      dy: -4,
      color: "#1f6fb2",
      cursor: "pointer",
      tooltip: `download what is shown as ${label}`,
    },
    encoding: {
      href: { field: "downloadHref", type: "nominal" },
      // Screen readers read this, not the whole data: URL.
      description: { value: `download ${label}` },
      x: { value: x },
      y: { value: 0 },
    },
  };
}

/** Two layers per chart (one per facet cell): "CSV" and "JSON" links at the top right of the plot. */
export function downloadLayers(smoothedField: string, width: number): unknown[] {
  const csvLine = cells(smoothedField, csvString, "").join(" + ',' + ");
  const jsonCells = cells(smoothedField, jsonString, "null").map(
    (cell, k) => `'${k === 0 ? "{" : ","}"${DOWNLOAD_FIELDS[k]}":' + ${cell}`,
  );
  const jsonLine = `${jsonCells.join(" + ")} + '}'`;
  const header = DOWNLOAD_FIELDS.join(",");
  return [
    linkLayer(
      "CSV",
      csvLine,
      (lines) => `'data:text/csv;charset=utf-8,' + ${urlSafe(`'${header}\\n' + ${lines}`)}`,
      "\\n",
      width - 40,
    ),
    linkLayer(
      "JSON",
      jsonLine,
      (lines) => `'data:application/x-json;charset=utf-8,' + ${urlSafe(`'[' + ${lines} + ']'`)}`,
      ",",
      width,
    ),
  ];
}
