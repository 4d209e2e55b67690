// Makes `{ interactive: true }` on the library's calls return these widgets (see src/interactive.ts).
import type { tf } from "../../src/backend";
import type { SummaryOptions } from "../../src/summary/types";
import type { AnyModel, ModelInputs, NodeRef } from "../../src/model";
import type { RunsSource } from "../../src/views/source";
import type { HistogramsOptions } from "../../src/views/histograms";
import { registerInteractive } from "../../src/interactive";
import { KernelGrid } from "./kernel-grid";
import { FeatureMapBrowser } from "./feature-map-browser";
import { SummaryView } from "./summary-view";
import { HistogramSlider } from "./histogram-slider";

registerInteractive("kernels", (model: AnyModel, layer: NodeRef) => KernelGrid.fromLayer(model, layer));
registerInteractive("featureMaps", (model: AnyModel, layer: NodeRef | NodeRef[], input: ModelInputs) =>
  FeatureMapBrowser.fromModel(model, input, Array.isArray(layer) ? layer : [layer]),
);
registerInteractive(
  "summary",
  (model: tf.LayersModel | tf.GraphModel, options: SummaryOptions) => new SummaryView(model, options),
);
registerInteractive("histograms", (source: RunsSource, tag: string, options: HistogramsOptions) =>
  HistogramSlider.fromLogdir(source, tag, options),
);
