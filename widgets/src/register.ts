// Makes `{ interactive: true }` on the library's calls return these widgets (see src/interactive.ts).
import type { tf } from "../../src/backend";
import type { SummaryOptions } from "../../src/summary/types";
import type { LayerRef } from "../../src/vision/graph";
import type { RunsSource } from "../../src/views/source";
import type { HistogramsOptions } from "../../src/views/histograms";
import { registerInteractive } from "../../src/interactive";
import { KernelGrid } from "./kernel-grid";
import { FeatureMapBrowser } from "./feature-map-browser";
import { SummaryView } from "./summary-view";
import { HistogramSlider } from "./histogram-slider";

registerInteractive("kernels", (model: tf.LayersModel, layer: LayerRef) =>
  KernelGrid.fromLayer(model, layer),
);
registerInteractive("featureMaps", (model: tf.LayersModel, layer: LayerRef, input: tf.Tensor) =>
  FeatureMapBrowser.fromModel(model, input, [layer]),
);
registerInteractive(
  "summary",
  (model: tf.LayersModel | tf.GraphModel, options: SummaryOptions) => new SummaryView(model, options),
);
registerInteractive("histograms", (source: RunsSource, tag: string, options: HistogramsOptions) =>
  HistogramSlider.fromLogdir(source, tag, options),
);
