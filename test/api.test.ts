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
  "widgets",
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
  "CamResult",
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
  "smoothGrad",
  "guidedBackprop",
  "integratedGradients",
  "SaliencyResult",
  "gradientAscent",
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
