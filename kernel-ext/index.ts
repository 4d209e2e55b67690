// The kernel-side API for notebook code and for other parts of tensorscope (widgets build on `comms`).
// In a notebook: `import { comms } from "tensorscope/kernel-ext"` (kernel-ext/package.json points here).
export { Comm, CommManager, comms } from "./comms";
export type { BinaryLike, CommMessage, CommMsgHandler, CommOpenHandler, SendOptions } from "./comms";
export { KernelClient } from "./client";
export type { Exchange, StartOptions } from "./client";
export { kernelSpec, DISPLAY_NAME, KERNEL_NAME } from "./kernelspec";
