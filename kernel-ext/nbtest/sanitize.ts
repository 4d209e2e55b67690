// Sanitisers remove what legitimately changes between runs before outputs are compared (documented in
// docs/kernel.md). Both the stored and the fresh output go through the same list, in this order.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface Sanitizer {
  name: string;
  pattern: RegExp;
  replacement: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export const DEFAULT_SANITIZERS: Sanitizer[] = [
  {
    name: "tfjs-node start-up lines",
    pattern:
      /^.*(?:oneDNN custom operations|All log messages before absl::InitializeLog|TF_ENABLE_ONEDNN_OPTS|cpu_feature_guard|This TensorFlow binary is optimized|To enable the following instructions|rebuild TensorFlow with the appropriate compiler flags).*(?:\r?\n|$)/gm,
    replacement: "",
  },
  {
    // The backend tensorscope picked depends on the machine (native, wasm or cpu), not on the notebook.
    name: "tensorscope backend line",
    pattern: /^tensorscope: using the [\w-]+ backend.*(?:\r?\n|$)/gm,
    replacement: "",
  },
  {
    // What tfjs prints once on its pure-JS backend in Node (a blank line, the hint between two rules).
    name: "tfjs cpu-backend banner",
    pattern:
      /^(?:\r?\n)?=+\r?\nHi, looks like you are running TensorFlow\.js in Node\.js\..*\r?\n=+(?:\r?\n|$)/gm,
    replacement: "",
  },
  {
    name: "event file names",
    pattern: /events\.out\.tfevents\.[\w.-]+/g,
    replacement: "events.out.tfevents.<RUN>",
  },
  {
    name: "dated run names",
    pattern: /\b[A-Z][a-z]{2}\d{2}_\d{2}-\d{2}-\d{2}_[\w.-]+/g,
    replacement: "<RUN>",
  },
  {
    name: "UUIDs",
    pattern: /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi,
    replacement: "<UUID>",
  },
  {
    name: "date-times",
    pattern: /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g,
    replacement: "<DATETIME>",
  },
  { name: "clock times", pattern: /\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, replacement: "<TIME>" },
  { name: "unix timestamps", pattern: /\b1\d{9}(?:\.\d+)?\b/g, replacement: "<TIMESTAMP>" },
  {
    name: "durations",
    pattern: /\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\s?(?:ns|µs|us|ms|s|secs?|seconds?|mins?|minutes?|h|hours?)\b/g,
    replacement: "<DURATION>",
  },
  {
    name: "memory sizes",
    pattern: /\b\d+(?:\.\d+)?\s?(?:bytes|B|[kKMGT]i?B)\b/g,
    replacement: "<SIZE>",
  },
  { name: "memory addresses", pattern: /\b0x[0-9a-f]+\b/gi, replacement: "<ADDR>" },
  {
    name: "hex object ids",
    pattern: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{12,}\b/g,
    replacement: "<ID>",
  },
  {
    name: "vm frame positions",
    pattern: /evalmachine\.<anonymous>:\d+(?::\d+)?/g,
    replacement: "evalmachine.<anonymous>",
  },
];

/**
 * Absolute paths and the host name. Every absolute path becomes <PATH>, whatever folder it names: a notebook's
 * stored outputs come from another clone (another folder) than the run they are compared with, so naming this
 * run's folders would make the two sides differ.
 */
export function contextSanitizers(): Sanitizer[] {
  return [
    {
      name: "absolute paths",
      pattern: /(?<![\w:/.<>-])(?:\/[\w.@+-]+){2,}\/?/g,
      replacement: "<PATH>",
    },
    {
      name: "host name",
      pattern: new RegExp(`\\b${escapeRegExp(hostname())}\\b`, "g"),
      replacement: "<HOST>",
    },
  ];
}

/** nbval's sanitize file format: pairs of `regex: <re>` and `replace: <text>` lines; other lines are ignored. */
export function readSanitizeFile(path: string): Sanitizer[] {
  const text = readFileSync(path, "utf8");
  const pairs = [...text.matchAll(/^regex: (.*)\r?\n^replace: (.*)$/gm)];
  if (pairs.length === 0) throw new Error(`${path}: no "regex: ..." / "replace: ..." line pairs found`);
  return pairs.map(([, regex, replacement]) => {
    try {
      return { name: `${path}: ${regex}`, pattern: new RegExp(regex, "gm"), replacement };
    } catch (error) {
      throw new Error(`${path}: invalid regex ${regex}: ${(error as Error).message}`);
    }
  });
}

export function sanitize(text: string, sanitizers: Sanitizer[]): string {
  return sanitizers.reduce(
    (current, { pattern, replacement }) => current.replace(pattern, replacement),
    text,
  );
}
