// Which nodes have spatial outputs [batch, height, width, channels]: the list a "not spatial" error offers.
import type { InspectableModel } from "./types";

/** Quoted names of the nodes whose output is 4-D, as far as shapes can be known without the user's input. */
export function spatialNodes(model: InspectableModel): string[] {
  return model
    .nodes()
    .filter((n) => model.outputShape(n)?.length === 4)
    .map((n) => `"${n.address}"`);
}
