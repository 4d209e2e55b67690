// The scalar chart's controls that run in the browser, with no kernel round trip: TensorBoard's smoothing slider
// and its x-axis choice (step, relative, wall), as vega-lite params and transforms over the drawn points.
//
// Smoothing is TensorBoard's debiased EMA, s_i = (1-w) Σ_{j≤i} w^(i-j) y_j / (1 - w^n_i) over the points drawn (as
// TensorBoard smooths the points it has sampled). vega-lite has no recurrence, so it is computed two ways and the
// one that is exact in floating point is used: a running sum of y_j w^(-j) (exact while w^(-n) stays finite, i.e.
// w ≥ T for n points), and below T a sum over the last K points, whose dropped tail weighs w^(K+1) < 1e-12.

export interface LiveControls {
  params: unknown[];
  transform: unknown[];
  /** Fields the layers draw: the x value for the chosen axis, and the smoothed value. */
  xField: string;
  smoothedField: string;
  x: Record<string, unknown>;
}

export type XAxis = "step" | "relative" | "wall";

/** Threshold and window for the longest series drawn (see above). */
export function smoothingPlan(maxPoints: number): { threshold: number; lags: number } {
  const threshold = Math.max(0.5, Math.exp(-700 / Math.max(1, maxPoints)));
  const lags = Math.min(400, Math.ceil(Math.log(1e-12) / Math.log(threshold)));
  return { threshold, lags };
}

export function liveControls(maxPoints: number, smoothing: number, axis: XAxis): LiveControls {
  const { threshold, lags } = smoothingPlan(maxPoints);
  const series = { groupby: ["run", "tag"], sort: [{ field: "i" }] };
  const lagOps = Array.from({ length: lags }, (_, k) => ({
    op: "lag",
    field: "value",
    param: k + 1,
    as: `lag${k + 1}`,
  }));
  const lagSum = [
    "datum.value",
    ...lagOps.map((_, k) => `pow(smoothing, ${k + 1}) * (datum.lag${k + 1} || 0)`),
  ].join(" + ");
  const debiasShort = `(1 - pow(smoothing, min(datum.n, ${lags + 1})))`;
  return {
    params: [
      {
        name: "smoothing",
        value: smoothing,
        bind: { input: "range", min: 0, max: 0.999, step: 0.001, name: "smoothing " },
      },
      {
        name: "xAxis",
        value: axis,
        bind: { input: "select", options: ["step", "relative", "wall"], name: "x axis " },
      },
    ],
    transform: [
      { calculate: "datum[xAxis]", as: "xLive" },
      { window: [{ op: "row_number", as: "n" }, ...lagOps], ...series },
      {
        calculate: `smoothing >= ${threshold} ? datum.value * pow(smoothing, 1 - datum.n) : 0`,
        as: "scaled",
      },
      { window: [{ op: "sum", field: "scaled", as: "running" }], frame: [null, 0], ...series },
      {
        calculate:
          `smoothing == 0 ? datum.value : smoothing >= ${threshold} ` +
          `? (1 - smoothing) * pow(smoothing, datum.n - 1) * datum.running / (1 - pow(smoothing, datum.n)) ` +
          `: (1 - smoothing) * (${lagSum}) / ${debiasShort}`,
        as: "smoothedLive",
      },
    ],
    xField: "xLive",
    smoothedField: "smoothedLive",
    x: {
      field: "xLive",
      type: "quantitative",
      // The title cannot follow a param; the "x axis" control beside the chart names the axis.
      title: null,
      scale: { zero: false },
      axis: {
        labelExpr:
          "xAxis == 'wall' ? timeFormat(datum.value, '%H:%M:%S') : xAxis == 'step' ? (datum.value % 1 ? '' : format(datum.value, 'd')) : format(datum.value, '~g')",
        tickMinStep: { expr: "xAxis == 'step' ? 1 : 0" },
        labelOverlap: true,
      },
    },
  };
}
