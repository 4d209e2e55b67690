// The public API of tensorscope: everything users import comes from here (locked by test/api.test.ts).
import { selectBackend } from "./backend";

selectBackend();

export { tf, ready, selectBackend, BACKEND_ENV_VAR } from "./backend";
export type { BackendChoice, BackendInfo } from "./backend";
// Rich display in notebooks: display(value, { id }) through the kernel's sink (kernel-ext/, docs/kernel.md).
export { display, DISPLAY_SYMBOL } from "./display";
export type { Displayable, DisplayOptions, MimeBundle } from "./display";
