// Methods that change how single layers compute inside them (FullGrad's bias taps) walk a LayersModel's own
// layers; a GraphModel's executor offers no such hook. (DeepLIFT swaps whole nodes, which the model interface's
// `override` run option does on both kinds.)
import { tf } from "../backend";
import { isGraphModel, LayersModelAdapter, type AnyModel } from "../model";

/** The LayersModel behind `model`, or a clear error naming the method for anything else. */
export function layersModelOf(model: AnyModel, method: string): tf.LayersModel {
  if (model instanceof tf.LayersModel) return model;
  if (model instanceof LayersModelAdapter) return model.source;
  const what =
    isGraphModel(model) || (model as { kind?: string }).kind === "graph" ? "a GraphModel" : "this model";
  throw new TypeError(
    `${method} works on LayersModels only (it changes how individual layers compute, which ${what} ` +
      "cannot do); load the model with tf.loadLayersModel, or use a method that runs on any model",
  );
}
