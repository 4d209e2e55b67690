// Locks the public API: adding or removing an export must be a deliberate change to this list.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as tensorscope from "../src/index";

const EXPECTED_EXPORTS = [
  "BACKEND_ENV_VAR",
  "ready",
  "selectBackend",
  "tf",
  // display protocol (kernel-ext/)
  "DISPLAY_SYMBOL",
  "display",
  // model structure (src/summary/, src/models/)
  "summary",
  "models",
  // TensorBoard event files and training views (src/events/, src/views/)
  "SummaryWriter",
  "fitCallback",
  "readEvents",
  "loadLogdir",
  "scalars",
  "ScalarsView",
  "histograms",
  "HistogramsView",
  "images",
  "ImagesView",
  "prCurves",
  "PrCurvesView",
  "liveScalars",
  "LiveScalars",
  // CAM family, metrics, shapes dataset (src/vision/cam/, src/vision/metrics.ts, src/data/shapes.ts)
  "BaseCAM",
  "GradCAM",
  "GradCAMPlusPlus",
  "XGradCAM",
  "HiResCAM",
  "LayerCAM",
  "EigenCAM",
  "EigenGradCAM",
  "ScoreCAM",
  "AblationCAM",
  "GradCAMElementWise",
  "FullGrad",
  "KPCACAM",
  "ShapleyCAM",
  "FinerCAM",
  "FEM",
  "SegEigenCAM",
  "RandomCAM",
  "RefineCAM",
  "DeepFeatureFactorization",
  "DffResult",
  "CamResult",
  "CAM_METHODS",
  "classifierOutputTarget",
  "classifierOutputSoftmaxTarget",
  "classifierOutputReST",
  "binaryClassifierOutputTarget",
  "semanticSegmentationTarget",
  "boxScoreTarget",
  "finerWeightedTarget",
  "guidedGradCam",
  "camMultImageConfidenceChange",
  "dropInConfidence",
  "increaseInConfidence",
  "complexity",
  "coherency",
  "arcc",
  "noisyLinearImputation",
  "roadMostRelevantFirst",
  "roadLeastRelevantFirst",
  "roadMostRelevantFirstAverage",
  "roadLeastRelevantFirstAverage",
  "roadCombined",
  "pointingGame",
  "deletionCurve",
  "insertionCurve",
  "shapesDataset",
  // kernels, feature maps, saliency, activation maximisation, pictures, MNIST (src/vision/, src/image/, src/data/mnist.ts)
  "kernels",
  "KernelGrid",
  "featureMaps",
  "FeatureMaps",
  "vanillaGradients",
  "inputXGradient",
  "gradientShap",
  "occlusion",
  "featureAblation",
  "deepLift",
  "noiseTunnel",
  "layerConductance",
  "layerIntegratedGradients",
  "smoothGrad",
  "guidedBackprop",
  "integratedGradients",
  "SaliencyResult",
  "gradientAscent",
  "Objective",
  "sumObjectives",
  "neuron",
  "channel",
  "direction",
  "diversity",
  "l1",
  "l2",
  "totalVariation",
  "pad",
  "jitter",
  "randomScale",
  "randomRotate",
  "standardTransforms",
  "compose",
  "renderVis",
  "deepdream",
  "LowresParam",
  "AscentResult",
  "overlay",
  "tensorImage",
  "heatmapImage",
  "ImageView",
  "imageGrid",
  "colorize",
  "getColormap",
  "COLORMAP_NAMES",
  "loadMnist",
];

test("the public API exports exactly the documented names", () => {
  assert.deepEqual(Object.keys(tensorscope).sort(), [...EXPECTED_EXPORTS].sort());
});

const WIDGET_EXPORTS = [
  "BucketSeries",
  "CamView",
  "FeatureMapBrowser",
  "HistogramSlider",
  "KernelGrid",
  "LiveWidget",
  "SummaryView",
  "TrainingMonitor",
  "WIDGET_VIEW_MIME",
  "binSteps",
  "blend",
  "channelTiles",
  "filterTiles",
  "smooth",
];

test('the live widgets are a separate entry, "tensorscope/widgets", with the documented names', async () => {
  const widgets = await import("../widgets/src");
  assert.deepEqual(Object.keys(widgets).sort(), [...WIDGET_EXPORTS].sort());
});

test("the library (src/) never imports Jupyter code: kernel, widgets, ZeroMQ or tslab", () => {
  const { readdirSync, readFileSync, statSync } = require("node:fs") as typeof import("node:fs");
  const { join } = require("node:path") as typeof import("node:path");
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });
  const offenders = files(join(__dirname, "..", "src")).filter((file) =>
    /(from|require\()\s*["'](\.\.\/)+(kernel-ext|widgets)|["'](zeromq|tslab)["']/.test(
      readFileSync(file, "utf8"),
    ),
  );
  assert.deepEqual(offenders, []);
});
