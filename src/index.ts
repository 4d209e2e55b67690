// The public API of tensorscope: everything users import comes from here (locked by test/api.test.ts).
// The CAM, attribution and lucent folders list their public names once, in their own index.ts, re-exported
// whole here: a name added there is public (and must be added to the lock).
import { selectBackend } from "./backend";

selectBackend();

export { tf, ready, selectBackend, BACKEND_ENV_VAR } from "./backend";
export type { BackendChoice, BackendInfo } from "./backend";
// Rich display in notebooks: display(value, { id }) through the kernel's sink (kernel-ext/, docs/kernel.md).
export { display, DISPLAY_SYMBOL } from "./display";
export type { Displayable, DisplayOptions, MimeBundle } from "./display";
// TensorBoard event files: writer, reader, logdir loader (src/events/, docs/events.md).
export { SummaryWriter } from "./events/writer";
export type { SummaryWriterOptions, ScalarOptions } from "./events/writer";
export type { AudioOptions, BoxesOptions } from "./events/writer-media";
export type { MeshOptions, CustomScalarsLayoutInput, HistogramRaw } from "./events/writer-tensors";
export type { Bins, BinEstimator } from "./events/histogram-bins";
export type { FigureInput, CanvasLike } from "./events/figure";
export type {
  AudioClip,
  MeshData,
  CustomScalarsLayout,
  CustomScalarChart,
  TensorValue,
  EmbeddingData,
  StoredBytes,
} from "./events/kinds";
export type { RunKind } from "./events/run-data";
export type { PurgeMode } from "./events/purge";
export type { ScalarRow } from "./events/export";
export { loadLogdirAsync, RemoteLogdir } from "./events/remote-logdir";
export type { RemoteLoadOptions } from "./events/remote-logdir";
export type { S3Options } from "./events/s3";
export type { PrCurve, PrCurveCounts } from "./events/pr-curve";
export type { EmbeddingMatrix, EmbeddingOptions } from "./events/embedding";
export { readEvents } from "./events/reader";
export type { ReadStats } from "./events/reader";
export { loadLogdir } from "./events/logdir";
export type { LoadOptions, Logdir, RunData, ScalarSeries } from "./events/logdir";
export { fitCallback } from "./events/fit-callback";
export type { FitCallbackOptions } from "./events/fit-callback";
// Any model a user has: one interface over LayersModels and GraphModels, and a loader for either (src/model/).
export { inspectModel, loadModel, saveModel } from "./model/public";
export type {
  AnyModel,
  InspectableModel,
  ModelInputs,
  ModelKind,
  ModelNode,
  NodeRef,
  OutputRef,
  TensorSpec,
} from "./model/public";
// Model structure: torchinfo-style summaries and the model zoo (src/summary/, src/models/, docs/summary.md).
export { summary } from "./summary";
export type { ModelSummary, ColumnName, SummaryOptions, SummaryRow, SummaryTotals } from "./summary";
export { models } from "./models";
export type { ImageModelOptions, SmallCnnOptions } from "./models";
// Notebook views of training logs (src/views/).
export { scalars, ScalarsView } from "./views/scalars";
export type { ScalarsOptions } from "./views/scalars";
export { histograms, HistogramsView } from "./views/histograms";
export type { HistogramsOptions } from "./views/histograms";
export { images, ImagesView } from "./views/images";
export type { ImagesOptions } from "./views/images";
export { prCurves, PrCurvesView } from "./views/pr-curves";
export type { PrCurvesOptions } from "./views/pr-curves";
export { liveScalars, LiveScalars } from "./views/live";
export type { LiveScalarsOptions } from "./views/live";
export { text, TextView } from "./views/text";
export type { TextOptions } from "./views/text";
export { distributions, DistributionsView } from "./views/distributions";
export type { DistributionsOptions } from "./views/distributions";
export { hparams, HparamsView } from "./views/hparams";
export type { HparamsOptions, HparamsSession } from "./views/hparams";
export { graph, GraphView } from "./views/graph";
export type { GraphOptions, GraphData, GraphNodeData } from "./views/graph";
export { audio, AudioView } from "./views/audio";
export type { AudioOptions as AudioViewOptions } from "./views/audio";
export { customScalars, CustomScalarsView } from "./views/custom-scalars";
export type { CustomScalarsOptions } from "./views/custom-scalars";
export { dashboard, DashboardView } from "./views/dashboard";
// The board: the dashboards served to a browser (src/board/).
export { startBoard } from "./board/server";
export type { BoardOptions, Board } from "./board/server";
// Where a CNN looks: the CAM family, localisation/faithfulness metrics, the synthetic shapes dataset (docs/cam.md).
export * from "./vision/cam";
export { pointingGame, deletionCurve, insertionCurve } from "./vision/metrics";
export type { Box, PointingGameResult, PerturbationCurve, PerturbationCurveOptions } from "./vision/metrics";
export { shapesDataset } from "./data/shapes";
export type { ShapesDataset, ShapesOptions, ShapeKind } from "./data/shapes";
// Inside a CNN: kernels, feature maps, saliency, activation maximisation; pictures and colormaps; MNIST
// (src/vision/, src/image/, src/data/mnist.ts, docs/vision.md).
export { kernels, KernelGrid } from "./vision/kernels";
export type { KernelOptions } from "./vision/kernels";
export { featureMaps, FeatureMaps } from "./vision/feature-maps";
export type { FeatureMapOptions } from "./vision/feature-maps";
export { vanillaGradients, smoothGrad, guidedBackprop, integratedGradients } from "./vision/saliency";
export type {
  SaliencyOptions,
  SaliencyTargets,
  SmoothGradOptions,
  IntegratedGradientsOptions,
} from "./vision/saliency";
export { SaliencyResult } from "./vision/saliency-result";
// captum's attributions (src/vision/attribution/): same SaliencyResult
export * from "./vision/attribution";
export type { IntegrationMethod } from "./vision/quadrature";
export { gradientAscent, AscentResult } from "./vision/feature-vis";
export type { AscentObjective, AscentProgress, GradientAscentOptions } from "./vision/feature-vis";
export type { Parameterization } from "./vision/feature-vis-param";
// lucent's feature visualisation and FlashTorch's deepdream (src/vision/lucent/)
export * from "./vision/lucent";
export { overlay } from "./image/overlay";
export type { OverlayOptions } from "./image/overlay";
export { tensorImage, heatmapImage } from "./image/tensor-image";
export type { TensorImageOptions, HeatmapOptions, ImageScale } from "./image/tensor-image";
export { ImageView } from "./image/view";
export { imageGrid } from "./image/image-grid";
export type { ImageGridOptions } from "./image/image-grid";
export { colorize, getColormap, COLORMAP_NAMES } from "./image/colormap";
export type { Colormap, ColormapName, ValueRange } from "./image/colormap";
export { loadMnist } from "./data/mnist";
export type { MnistData, MnistOptions, MnistSplit } from "./data/mnist";
