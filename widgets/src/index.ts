// Kernel-side widgets: construct one and display() it (or make it a cell's last expression).
import "./register";
export { LiveWidget, WIDGET_VIEW_MIME } from "./widget";
export { HistogramSlider, binSteps } from "./histogram-slider";
export type { HistogramSliderOptions, Values } from "./histogram-slider";
export { KernelGrid, filterTiles } from "./kernel-grid";
export type { KernelGridOptions, KernelScale } from "./kernel-grid";
export { FeatureMapBrowser, channelTiles } from "./feature-map-browser";
export type { FeatureMapBrowserOptions, FeatureMapLayer } from "./feature-map-browser";
export { CamView, blend } from "./cam-view";
export type { CamOverlay, CamViewOptions, CamMethodName } from "./cam-view";
export { TrainingMonitor } from "./training-monitor";
export type { TrainingMonitorOptions, MonitorCallbacks } from "./training-monitor";
export { SummaryView } from "./summary-view";
export type { SummaryViewOptions, SummaryViewRow } from "./summary-view";
export { BucketSeries, smooth } from "./shared/buckets";
export {
  Widget,
  ValueWidget,
  IntSlider,
  FloatSlider,
  Checkbox,
  Text,
  Dropdown,
  Button,
  HBox,
  VBox,
  Output,
} from "./controls";
export type { Change, SliderOptions } from "./controls";
export { interact, Interactive, widgetFor } from "./interact";
export type { Abbreviation } from "./interact";
