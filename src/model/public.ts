// What the package exports from the model interface (src/index.ts re-exports it).
export { inspectModel, type AnyModel } from "./index";
export { loadModel, saveModel } from "./load";
export type { OutputRef } from "./score-source";
export type { InspectableModel, ModelInputs, ModelKind, ModelNode, NodeRef, TensorSpec } from "./types";
