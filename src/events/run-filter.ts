// What loadLogdir's runs/tags/kinds options keep of a run.
import type { SummaryItem } from "./decode";

/** The RunData fields that loadLogdir's `kinds` option selects. */
export type RunKind =
  | "scalars"
  | "histograms"
  | "images"
  | "texts"
  | "prCurves"
  | "audio"
  | "meshes"
  | "customScalars"
  | "tensors"
  | "embeddings"
  | "graphs"
  | "hparams";

export const KIND_OF_ITEM: Partial<Record<SummaryItem["type"], RunKind>> = {
  scalar: "scalars",
  histogram: "histograms",
  image: "images",
  text: "texts",
  prCurve: "prCurves",
  audio: "audio",
  meshPart: "meshes",
  tensor: "tensors",
  customScalars: "customScalars",
  hparams: "hparams",
};

/** Run-level kinds are kept whatever the tag filter says. */
const RUN_LEVEL = new Set<RunKind>(["customScalars", "hparams", "graphs", "embeddings"]);

/** Which points a run keeps: kinds (undefined: all) and a tag predicate (undefined: all). */
export interface RunFilter {
  kinds?: ReadonlySet<RunKind>;
  tag?: (tag: string) => boolean;
}

export function wanted(filter: RunFilter, kind: RunKind, tag: string): boolean {
  if (filter.kinds && !filter.kinds.has(kind)) return false;
  return RUN_LEVEL.has(kind) || !filter.tag || filter.tag(tag);
}
