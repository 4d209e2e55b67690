// lucent's feature visualisation: objectives (with arithmetic and penalties), transforms, parameterisations,
// render_vis; and FlashTorch's deepdream.
export {
  Objective,
  sumObjectives,
  neuron,
  channel,
  direction,
  diversity,
  l1,
  l2,
  totalVariation,
  type ObjectiveContext,
  type PenaltyTarget,
} from "./objectives";
export {
  pad,
  jitter,
  randomScale,
  randomRotate,
  standardTransforms,
  compose,
  type Transform,
} from "./transforms";
export { renderVis, deepdream, LowresParam, type RenderOptions, type DeepDreamOptions } from "./render";
