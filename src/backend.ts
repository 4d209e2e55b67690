// Picks the fastest TensorFlow.js backend that loads on this machine and exposes the tfjs namespace on it,
// so that users and notebooks never juggle backend packages.
import * as tf from "@tensorflow/tfjs";

export type BackendChoice = "node-gpu" | "node" | "wasm" | "cpu";

export const BACKEND_ENV_VAR = "TENSORSCOPE_BACKEND";
const ORDER: readonly BackendChoice[] = ["node-gpu", "node", "wasm", "cpu"];
const PACKAGES: Record<BackendChoice, string | null> = {
  "node-gpu": "@tensorflow/tfjs-node-gpu",
  node: "@tensorflow/tfjs-node",
  wasm: "@tensorflow/tfjs-backend-wasm",
  cpu: null,
};
const TFJS_NAMES: Record<BackendChoice, string> = {
  "node-gpu": "tensorflow",
  node: "tensorflow",
  wasm: "wasm",
  cpu: "cpu",
};

export interface BackendInfo {
  /** What tensorscope chose, e.g. "node". */
  choice: BackendChoice;
  /** The name tfjs knows the backend by, e.g. "tensorflow". */
  tfjsName: string;
  /** Why the faster choices were passed over. */
  skipped: { choice: BackendChoice; reason: string }[];
}

let active: BackendInfo | undefined;

function parseChoice(value: string): BackendChoice {
  if ((ORDER as readonly string[]).includes(value)) return value as BackendChoice;
  throw new Error(
    `${BACKEND_ENV_VAR}=${JSON.stringify(value)} is not a backend; expected one of ${ORDER.join(", ")}.`,
  );
}

function tryLoad(choice: BackendChoice): string | null {
  const pkg = PACKAGES[choice];
  if (pkg === null) return null;
  try {
    // The native libraries print start-up lines to stderr unless told otherwise.
    process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
    require(pkg);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return `${pkg} did not load (${message})`;
  }
}

function activate(choice: BackendChoice): void {
  const name = TFJS_NAMES[choice];
  // tfjs-node registers itself with top priority; wasm needs an explicit, asynchronous switch.
  if (tf.getBackend() !== name) void tf.setBackend(name);
}

/** When the native backend was passed over because it did not load: how to get it. */
export function fasterHint(skipped: BackendInfo["skipped"]): string {
  return skipped.some((s) => s.choice === "node")
    ? "; the faster native backend did not load: run `npx tensorscope setup` in your project"
    : "";
}

/** Chooses and activates a backend once; later calls return the same answer. */
export function selectBackend(options: { quiet?: boolean } = {}): BackendInfo {
  if (active) return active;
  const forced = process.env[BACKEND_ENV_VAR];
  const candidates = forced ? [parseChoice(forced)] : ORDER;
  const skipped: BackendInfo["skipped"] = [];
  for (const choice of candidates) {
    const failure = tryLoad(choice);
    if (failure === null) {
      activate(choice);
      active = { choice, tfjsName: TFJS_NAMES[choice], skipped };
      if (!options.quiet && !process.env.TENSORSCOPE_QUIET) {
        console.error(
          `tensorscope: using the ${choice} backend (tfjs "${TFJS_NAMES[choice]}")${fasterHint(skipped)}`,
        );
      }
      return active;
    }
    skipped.push({ choice, reason: failure });
  }
  const reasons = skipped.map((s) => `${s.choice}: ${s.reason}`).join("; ");
  throw new Error(`${BACKEND_ENV_VAR}=${forced} could not be loaded: ${reasons}`);
}

/** Resolves once the chosen backend is ready (only the wasm backend initialises asynchronously). */
export async function ready(): Promise<BackendInfo> {
  const info = selectBackend();
  await tf.setBackend(info.tfjsName);
  await tf.ready();
  return info;
}

export { tf };
