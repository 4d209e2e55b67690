// What a logdir holds, kind by kind (the dashboards it can show): shared by dashboard() and the board server.
import type { RunData } from "../events/logdir";

export type DashboardKind =
  | "scalars"
  | "customScalars"
  | "images"
  | "audio"
  | "graph"
  | "distributions"
  | "histograms"
  | "prCurves"
  | "text"
  | "hparams";

/** TensorBoard's tab order. */
export const DASHBOARD_KINDS: DashboardKind[] = [
  "scalars",
  "customScalars",
  "images",
  "audio",
  "graph",
  "distributions",
  "histograms",
  "prCurves",
  "text",
  "hparams",
];

export interface Catalog {
  runs: string[];
  /** For each kind the logdir holds: its tags (runs, for graph; [""] for kinds shown whole). */
  kinds: Partial<Record<DashboardKind, string[]>>;
}

const tagsOf = (runs: RunData[], pick: (run: RunData) => Map<string, unknown> | undefined): string[] =>
  [...new Set(runs.flatMap((run) => [...(pick(run)?.keys() ?? [])]))].sort();

export function catalogOf(runs: RunData[]): Catalog {
  const kinds: Catalog["kinds"] = {};
  const put = (kind: DashboardKind, tags: string[]): void => {
    if (tags.length) kinds[kind] = tags;
  };
  put(
    "scalars",
    tagsOf(runs, (r) => r.scalars),
  );
  put("customScalars", runs.some((r) => r.customScalars) ? [""] : []);
  put(
    "images",
    tagsOf(runs, (r) => r.images),
  );
  put(
    "audio",
    tagsOf(runs, (r) => r.audio),
  );
  put(
    "graph",
    runs.filter((r) => r.graphs.length > 0).map((r) => r.name),
  );
  put(
    "distributions",
    tagsOf(runs, (r) => r.histograms),
  );
  put(
    "histograms",
    tagsOf(runs, (r) => r.histograms),
  );
  put(
    "prCurves",
    tagsOf(runs, (r) => r.prCurves),
  );
  put(
    "text",
    tagsOf(runs, (r) => r.texts),
  );
  put("hparams", runs.some((r) => r.hparams.some((h) => h.kind === "session_start_info")) ? [""] : []);
  return { runs: runs.map((r) => r.name), kinds };
}
