// Which nodes have spatial outputs [batch, height, width, channels]: the list a "not spatial" error offers.
import type { InspectableModel } from "./types";

/** Quoted names of the nodes whose output is 4-D, as far as shapes can be known without the user's input. */
export function spatialNodes(model: InspectableModel): string[] {
  return model
    .nodes()
    .filter((n) => model.outputShape(n)?.length === 4)
    .map((n) => `"${n.address}"`);
}

/** A long list shortened to its first and last entries (the last are those nearest the output). */
export function elide(names: string[], max = 12): string {
  if (names.length <= max) return names.join(", ");
  const tail = Math.ceil(max / 2) + 1;
  return [...names.slice(0, max - tail), "…", ...names.slice(-tail)].join(", ");
}
