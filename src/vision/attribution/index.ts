// captum's attributions: each returns the SaliencyResult of the saliency methods (src/vision/saliency.ts).
export { inputXGradient, gradientShap, type GradientShapOptions } from "./gradient";
export {
  occlusion,
  featureAblation,
  type PerturbationOptions,
  type OcclusionOptions,
  type FeatureAblationOptions,
} from "./perturbation";
export { deepLift, type DeepLiftOptions } from "./deeplift";
export {
  noiseTunnel,
  type NoiseTunnelOptions,
  type NoiseTunnelType,
  type AttributionMethod,
} from "./noise-tunnel";
export { layerConductance, layerIntegratedGradients, type LayerAttributionOptions } from "./layer";
