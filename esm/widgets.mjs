// The ES module entry of "tensorscope/widgets" (the CommonJS build re-exported; see esm/index.mjs).
export * from "../dist/widgets/src/index.js";
