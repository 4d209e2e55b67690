// The ES module entry of "tensorscope/kernel-ext" (the CommonJS build re-exported; see esm/index.mjs).
export * from "../dist/kernel-ext/index.js";
