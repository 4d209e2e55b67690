// SummaryWriter methods for tensor-shaped kinds: addTensor, addMesh, the custom-scalars layout and raw histograms.
import { WriterCore } from "./writer-core";
import { histogramValue } from "./encode";
import { customScalarsValue, meshValues, tensorValue, type MeshComponent } from "./encode-kinds";
import { shapedOf, type ArrayInput } from "./tensor-input";
import { checkStep, checkTag, wallTimeOf } from "./writer-args";
import type { CustomScalarChart, CustomScalarsLayout } from "./kinds";
import type { Histogram } from "./histogram";

/** PyTorch's layout dictionary: {category: {chart title: ["Multiline", tag regexes] | ["Margin", [value, lower, upper]]}}. */
export type CustomScalarsLayoutInput = Record<string, Record<string, ["Multiline" | "Margin", string[]]>>;

export interface MeshOptions {
  /** [B, N, 3] RGB bytes per vertex. */
  colors?: ArrayInput;
  /** [B, M, 3] vertex indices per triangle; without faces the mesh is a point cloud. */
  faces?: ArrayInput;
  /** three.js settings (camera, lights, material), as PyTorch's config_dict. */
  configDict?: Record<string, unknown>;
  wallTime?: number;
}

export type HistogramRaw = Histogram;

function checkedMeshPart(input: ArrayInput, kind: MeshComponent["kind"], vertices?: number): MeshComponent {
  const what = { VERTEX: "vertices", FACE: "faces", COLOR: "colors" }[kind];
  const { shape: given, values } = shapedOf(input, "addMesh", what);
  const shape = given.length === 2 ? [1, ...given] : given; // one mesh: [N, 3] is [1, N, 3]
  if (shape.length !== 3 || shape[2] !== 3)
    throw new RangeError(`addMesh: ${what} must be [B, N, 3] (or [N, 3]), got shape [${shape}]`);
  if (kind === "COLOR" && vertices !== undefined && shape[0] * shape[1] !== vertices)
    throw new RangeError(
      `addMesh: colors need one RGB triple per vertex (${vertices}), got shape [${shape}]`,
    );
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const ok = kind === "VERTEX" ? Number.isFinite(v) : Number.isInteger(v) && v >= 0;
    if (!ok || (kind === "COLOR" && v > 255) || (kind === "FACE" && vertices !== undefined && v >= vertices))
      throw new RangeError(`addMesh: ${what}[${i}] = ${v} is out of range`);
  }
  return { kind, shape, values };
}

export class TensorKindsWriter extends WriterCore {
  private readonly layout: CustomScalarsLayout = { categories: [] };

  /** Any tensor, kept as it is (PyTorch's add_tensor; TensorBoard's loader reads it, no dashboard shows it). */
  addTensor(tag: string, tensor: ArrayInput | string[], step?: number, wallTime?: number): void {
    checkTag(tag, "addTensor");
    const isStrings =
      Array.isArray(tensor) && tensor.length > 0 && tensor.every((x) => typeof x === "string");
    const shaped = isStrings
      ? { shape: [tensor.length], values: tensor as string[], dtype: "string" }
      : shapedOf(tensor as ArrayInput, "addTensor", "tensor");
    const dtype = shaped.dtype ?? "float32";
    if (!["float32", "int32", "bool", "string"].includes(dtype))
      throw new TypeError(`addTensor: dtype ${dtype} is not supported (float32, int32, bool or string)`);
    const value = tensorValue(tag, shaped.shape, shaped.values as ArrayLike<number>, dtype);
    this.appendSummary(this.file(), checkStep(step, "addTensor"), wallTimeOf(wallTime, "addTensor"), [value]);
  }

  /** A 3-D mesh or point cloud for TensorBoard's Mesh tab (PyTorch's add_mesh). */
  addMesh(tag: string, vertices: ArrayInput, options: MeshOptions = {}, step?: number): void {
    checkTag(tag, "addMesh");
    const parts = [checkedMeshPart(vertices, "VERTEX")];
    const count = parts[0].shape[0] * parts[0].shape[1];
    if (options.faces !== undefined) parts.push(checkedMeshPart(options.faces, "FACE", parts[0].shape[1]));
    if (options.colors !== undefined) parts.push(checkedMeshPart(options.colors, "COLOR", count));
    const config = options.configDict;
    if (config !== undefined && (config === null || typeof config !== "object"))
      throw new TypeError("addMesh: configDict must be an object");
    const s = checkStep(step, "addMesh");
    this.appendSummary(
      this.file(),
      s,
      wallTimeOf(options.wallTime, "addMesh"),
      meshValues(tag, parts, config),
    );
  }

  /**
   * The custom-scalars dashboard's layout (PyTorch's add_custom_scalars). Charts of later calls (here and in the
   * two helpers below) are merged into one layout, rewritten whole each time: TensorBoard shows only a run's last
   * layout, so PyTorch's helpers, which write one chart each, keep only the last chart.
   */
  addCustomScalars(layout: CustomScalarsLayoutInput): void {
    if (layout === null || typeof layout !== "object")
      throw new TypeError("addCustomScalars: layout must be {category: {title: [kind, tags]}}");
    const charts: [string, CustomScalarChart][] = [];
    for (const [category, chartsOfCategory] of Object.entries(layout))
      for (const [title, spec] of Object.entries(chartsOfCategory ?? {})) {
        if (!Array.isArray(spec) || !Array.isArray(spec[1]) || !spec[1].every((t) => typeof t === "string"))
          throw new TypeError(`addCustomScalars: chart "${title}" must be ["Multiline" | "Margin", tags]`);
        charts.push([category, chartOf(title, spec[0], spec[1])]);
      }
    for (const [category, chart] of charts) this.mergeChart(category, chart);
    this.appendSummary(this.file(), 0, Date.now() / 1000, [customScalarsValue(this.layout)]);
  }

  /** One chart of several scalar tags (regexes) in one plot. */
  addCustomScalarsMultilinechart(tags: string[], category = "default", title = "untitled"): void {
    this.addCustomScalars({ [category]: { [title]: ["Multiline", tags] } });
  }

  /** One chart of a value and its lower and upper bounds: `tags` = [value, lower, upper]. */
  addCustomScalarsMarginchart(tags: string[], category = "default", title = "untitled"): void {
    this.addCustomScalars({ [category]: { [title]: ["Margin", tags] } });
  }

  private mergeChart(categoryTitle: string, chart: CustomScalarChart): void {
    let category = this.layout.categories.find((c) => c.title === categoryTitle);
    if (!category)
      this.layout.categories.push((category = { title: categoryTitle, closed: false, charts: [] }));
    const same = category.charts.findIndex((c) => c.title === chart.title);
    if (same >= 0) category.charts[same] = chart;
    else category.charts.push(chart);
  }

  /** A histogram binned elsewhere (PyTorch's add_histogram_raw): bucketLimits are right edges. */
  addHistogramRaw(tag: string, histogram: HistogramRaw, step?: number, wallTime?: number): void {
    checkTag(tag, "addHistogramRaw");
    const h = histogram;
    if (
      h === null ||
      typeof h !== "object" ||
      !Array.isArray(h.bucketLimits) ||
      !Array.isArray(h.bucketCounts)
    )
      throw new TypeError(
        "addHistogramRaw: histogram must be { min, max, num, sum, sumSquares, bucketLimits, bucketCounts }",
      );
    if (h.bucketLimits.length !== h.bucketCounts.length || h.bucketLimits.length === 0)
      throw new RangeError(
        `addHistogramRaw: bucketLimits and bucketCounts must be non-empty and of one length, got ${h.bucketLimits.length} and ${h.bucketCounts.length}`,
      );
    for (const name of ["min", "max", "num", "sum", "sumSquares"] as const)
      if (typeof h[name] !== "number") throw new TypeError(`addHistogramRaw: ${name} must be a number`);
    const s = checkStep(step, "addHistogramRaw");
    this.appendSummary(this.file(), s, wallTimeOf(wallTime, "addHistogramRaw"), [histogramValue(tag, h)]);
  }
}

function chartOf(title: string, kind: string, tags: string[]): CustomScalarChart {
  if (kind === "Margin") {
    if (tags.length !== 3)
      throw new RangeError(
        `addCustomScalars: margin chart "${title}" needs [value, lower, upper], got ${tags.length} tags`,
      );
    return { title, kind: "margin", series: [{ value: tags[0], lower: tags[1], upper: tags[2] }] };
  }
  if (kind !== "Multiline")
    throw new RangeError(
      `addCustomScalars: chart kind must be "Multiline" or "Margin", got ${JSON.stringify(kind)}`,
    );
  return { title, kind: "multiline", tags };
}
