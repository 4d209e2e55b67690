// Every CAM method by name, for code that lets a user (or a test, a benchmark, a notebook) pick or sweep them.
import type { AnyModel } from "../../model";
import type { BaseCAM, CamOptions } from "./base";
import { EigenCAM, EigenGradCAM } from "./eigen";
import { GradCAM, GradCAMPlusPlus, HiResCAM, LayerCAM, XGradCAM } from "./gradient-methods";
import { AblationCAM, ScoreCAM } from "./perturbation";
import { GradCAMElementWise, SegEigenCAM, ShapleyCAM } from "./gradient-variants";
import { FEM, KPCACAM, RandomCAM } from "./activation-methods";
import { FullGrad } from "./fullgrad";
import { FinerCAM, RefineCAM } from "./meta-methods";
import { DeepFeatureFactorization } from "./dff";

export type CamConstructor = new (model: AnyModel, options: CamOptions) => BaseCAM;

export const CAM_METHODS = {
  GradCAM,
  GradCAMPlusPlus,
  XGradCAM,
  HiResCAM,
  LayerCAM,
  EigenCAM,
  EigenGradCAM,
  ScoreCAM,
  AblationCAM,
  GradCAMElementWise,
  FullGrad,
  KPCACAM,
  ShapleyCAM,
  FinerCAM,
  FEM,
  SegEigenCAM,
  RandomCAM,
  RefineCAM,
  DeepFeatureFactorization,
} satisfies Record<string, CamConstructor>;

export type CamMethodName = keyof typeof CAM_METHODS;
