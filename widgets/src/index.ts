// Kernel-side widgets: construct one and display() it (or make it a cell's last expression).
export { LiveWidget, WIDGET_VIEW_MIME } from "./widget";
export { HistogramSlider, binSteps } from "./histogram-slider";
export type { HistogramSliderOptions } from "./histogram-slider";
