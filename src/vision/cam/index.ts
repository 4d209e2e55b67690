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
export type { CamTargets } from "./targets";
export { CAM_METHODS, type CamConstructor, type CamMethodName } from "./methods";
