// The CAM family: one base pipeline (base.ts); each method states only how it weights the layer's activations.
export {
  BaseCAM,
  type CamOptions,
  type ComputeOptions,
  type CamContext,
  type ReshapeTransform,
} from "./base";
export { tokensToGrid, type TokenGridOptions } from "./reshape";
export { GradCAM, GradCAMPlusPlus, XGradCAM, HiResCAM, LayerCAM } from "./gradient-methods";
export { EigenCAM, EigenGradCAM } from "./eigen";
export { ScoreCAM, AblationCAM, type PerturbationCamOptions, type ScoreCamOptions } from "./perturbation";
export { CamResult } from "./result";
export type { CamTargets, CamTarget } from "./targets";
export { GradCAMElementWise, ShapleyCAM, SegEigenCAM } from "./gradient-variants";
export {
  FEM,
  KPCACAM,
  RandomCAM,
  type FemOptions,
  type KpcaCamOptions,
  type KernelName,
  type RandomCamOptions,
} from "./activation-methods";
export { FullGrad, type FullGradOptions } from "./fullgrad";
export {
  FinerCAM,
  RefineCAM,
  type FinerCamOptions,
  type RefineCamOptions,
  type BaseCamConstructor,
} from "./meta-methods";
export { DeepFeatureFactorization, DffResult, type DffOptions, type Factorization } from "./dff";
export {
  classifierOutputTarget,
  classifierOutputSoftmaxTarget,
  classifierOutputReST,
  binaryClassifierOutputTarget,
  semanticSegmentationTarget,
  boxScoreTarget,
  finerWeightedTarget,
  type BoxScoreTargetOptions,
} from "./model-targets";
export { CAM_METHODS, type CamConstructor, type CamMethodName } from "./methods";
export {
  camMultImageConfidenceChange,
  dropInConfidence,
  increaseInConfidence,
  complexity,
  coherency,
  arcc,
  type ConfidenceOptions,
  type ArccOptions,
  type ArccScores,
} from "./metrics-confidence";
export {
  noisyLinearImputation,
  roadMostRelevantFirst,
  roadLeastRelevantFirst,
  roadMostRelevantFirstAverage,
  roadLeastRelevantFirstAverage,
  roadCombined,
  type ImputationOptions,
  type RoadOptions,
  type RoadAverageOptions,
} from "./road";
export { guidedGradCam, type GuidedGradCamOptions } from "./guided";
