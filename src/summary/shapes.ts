// Static shape inference for one layer call, through tfjs-layers' own computeOutputShape.
import type { tf } from "../backend";
import type { Shape } from "./types";

function isShapeList(value: unknown): value is Shape[] {
  return Array.isArray(value) && value.length > 0 && value.every(Array.isArray);
}

/** Output shapes of a (non-container) layer called on inputs of the given shapes. */
export function staticOutputShapes(layer: tf.layers.Layer, inputShapes: Shape[]): Shape[] {
  const input = inputShapes.length === 1 ? inputShapes[0] : inputShapes;
  let output: unknown;
  try {
    output = layer.computeOutputShape(input as never);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `summary: layer "${layer.name}" (${layer.getClassName()}) cannot infer its output shape from ` +
        `${JSON.stringify(inputShapes)}: ${message}`,
    );
  }
  return (isShapeList(output) ? output : [output as Shape]).map((s) => [...s]);
}
