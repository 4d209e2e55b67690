// The ES module entry of "tensorscope": the CommonJS build re-exported, so that `import` and `require` share one
// instance (one tfjs, one backend choice) in a process that uses both.
export * from "../dist/src/index.js";
