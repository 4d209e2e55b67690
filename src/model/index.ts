// inspectModel(model): the one place that tells a LayersModel from a GraphModel. Every feature takes either (or
// an adapter already made) and works through the InspectableModel interface (types.ts).
import { tf } from "../backend";
import { GraphModelAdapter } from "./graph-adapter";
import { LayersModelAdapter } from "./layers-adapter";
import type { InspectableModel } from "./types";

/** What every feature accepts as a model. */
export type AnyModel = tf.LayersModel | tf.GraphModel | InspectableModel;

const adapters = new WeakMap<object, InspectableModel>();

function isAdapter(model: unknown): model is InspectableModel {
  return model instanceof LayersModelAdapter || model instanceof GraphModelAdapter;
}

function describe(model: unknown): string {
  if (model === null || typeof model !== "object") return String(model);
  return model.constructor?.name ?? "an object";
}

/** Whether `model` is a GraphModel (for the two places that render the kinds differently: summary, addGraph). */
export function isGraphModel(model: unknown): model is tf.GraphModel {
  return model instanceof tf.GraphModel;
}

/** The model interface for a LayersModel or GraphModel (one adapter per model, reused). */
export function inspectModel(model: AnyModel, caller = "this function"): InspectableModel {
  if (isAdapter(model)) return model;
  const known = adapters.get(model as object);
  if (known) return known;
  let adapter: InspectableModel;
  if (model instanceof tf.GraphModel) adapter = new GraphModelAdapter(model);
  else if (model instanceof tf.LayersModel) adapter = new LayersModelAdapter(model);
  else {
    throw new TypeError(
      `${caller} expects a tf.LayersModel (tf.sequential, tf.model, tf.loadLayersModel) or a tf.GraphModel ` +
        `(tf.loadGraphModel), got ${describe(model)}`,
    );
  }
  adapters.set(model, adapter);
  return adapter;
}

export { GraphModelAdapter, LayersModelAdapter };
export type * from "./types";
