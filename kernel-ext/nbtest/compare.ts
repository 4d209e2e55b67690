// nbval-style output comparison: outputs are flattened to key → values (stream name, MIME type, "error"), then
// compared per kind: text exactly after sanitising, HTML/SVG as whitespace-normalised markup, PNG by size and
// pixel tolerance, JSON (vega-lite specs) structurally with numbers to a tolerance. With `approx` (a cell tagged
// nbtest-approx), numbers in text and markup compare to a tolerance too, and PNGs by block means (approx.ts).
import { PNG } from "pngjs";
import { compareTextNumbers, comparePngBlocks, numbersMatch, type ApproxRules } from "./approx";
import { joinText, type Output } from "./notebook";
import { sanitize, type Sanitizer } from "./sanitize";
import { textDiff } from "./text-diff";

export interface CompareOptions {
  sanitizers: Sanitizer[];
  /** Numbers in JSON outputs match when |a-b| <= absolute + relative * max(|a|, |b|). */
  relativeTolerance: number;
  absoluteTolerance: number;
  /** A PNG pixel differs when any channel differs by more than this (0-255). */
  pngChannelTolerance: number;
  /** A PNG matches when at most this fraction of its pixels differ. */
  pngPixelFraction: number;
  /** The approximate rules, for outputs that depend on the CPU's floating-point arithmetic. */
  approx?: ApproxRules;
}

export const DEFAULT_COMPARE: Omit<CompareOptions, "sanitizers"> = {
  relativeTolerance: 1e-6,
  absoluteTolerance: 1e-9,
  pngChannelTolerance: 16,
  pngPixelFraction: 0.01,
};

export interface Difference {
  key: string;
  message: string;
}

/** Not compared, as nbval: widget views name random model ids; JPEG is lossy. */
const SKIPPED_KEYS = new Set(["application/vnd.jupyter.widget-view+json", "image/jpeg"]);
const MARKUP_KEYS = new Set(["text/html", "image/svg+xml"]);

function flatten(outputs: Output[], sanitizers: Sanitizer[]): Map<string, unknown[]> {
  const flat = new Map<string, unknown[]>();
  const add = (key: string, value: unknown) => flat.set(key, [...(flat.get(key) ?? []), value]);
  for (const output of outputs) {
    if (output.output_type === "stream") {
      const key = `stream ${output.name ?? "stdout"}`;
      // Streams are coalesced per name: how the text was split into messages does not matter.
      flat.set(key, [String(flat.get(key)?.[0] ?? "") + joinText(output.text)]);
    } else if (output.output_type === "error") {
      add("error", `${output.ename}: ${output.evalue}`);
    } else {
      for (const [mime, value] of Object.entries(output.data ?? {})) {
        if (SKIPPED_KEYS.has(mime)) continue;
        add(mime, Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join("") : value);
      }
    }
  }
  // A stream left empty by the sanitisers (only start-up noise) is as good as no stream.
  for (const [key, values] of flat) {
    if (key.startsWith("stream ") && sanitize(String(values[0]), sanitizers) === "") flat.delete(key);
  }
  return flat;
}

function normaliseMarkup(markup: string): string {
  return markup
    .replace(/\s+/g, " ")
    .replace(/>\s+</g, "><")
    .replace(/\s*\/?>/g, (end) => end.trim())
    .trim();
}

function comparePng(expected: string, actual: string, options: CompareOptions): string | undefined {
  const [a, b] = [expected, actual].map((base64) =>
    PNG.sync.read(Buffer.from(base64.replace(/\s/g, ""), "base64")),
  );
  if (a.width !== b.width || a.height !== b.height) {
    return `PNG size differs: expected ${a.width}x${a.height}, got ${b.width}x${b.height}`;
  }
  if (options.approx) return comparePngBlocks(a, b, options.approx);
  let differing = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(a.data[i + c] - b.data[i + c]) > options.pngChannelTolerance) {
        differing++;
        break;
      }
    }
  }
  const pixels = a.width * a.height;
  if (differing <= options.pngPixelFraction * pixels) return undefined;
  const percent = ((100 * differing) / pixels).toFixed(2);
  return `PNG pixels differ: ${differing} of ${pixels} (${percent}%) differ by more than ${options.pngChannelTolerance}/255 (allowed ${100 * options.pngPixelFraction}%)`;
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value, null, 1);
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text && text.length > 80 ? `${text.slice(0, 77)}...` : String(text);
}

/** The first difference between two JSON values, as "at <path>: expected X, got Y". */
export function compareJson(
  expected: unknown,
  actual: unknown,
  options: CompareOptions,
  path = "$",
): string | undefined {
  if (typeof expected === "number" && typeof actual === "number") {
    const tolerance = options.approx ?? {
      relative: options.relativeTolerance,
      absolute: options.absoluteTolerance,
    };
    return numbersMatch(expected, actual, tolerance)
      ? undefined
      : `at ${path}: expected ${expected}, got ${actual}`;
  }
  if (typeof expected === "string" && typeof actual === "string") {
    const [a, b] = [expected, actual].map((text) => sanitize(text, options.sanitizers));
    if (a === b) return undefined;
    if (options.approx) {
      const difference = compareTextNumbers(a, b, options.approx);
      return difference && `at ${path}: ${difference}`;
    }
    return `at ${path}: expected ${describe(a)}, got ${describe(b)}`;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      return `at ${path}: expected ${expected.length} items, got ${actual.length}`;
    }
    for (let i = 0; i < expected.length; i++) {
      const difference = compareJson(expected[i], actual[i], options, `${path}[${i}]`);
      if (difference) return difference;
    }
    return undefined;
  }
  if (isPlainObject(expected) && isPlainObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    for (const key of keys) {
      if (!(key in actual)) return `at ${path}.${key}: missing (expected ${describe(expected[key])})`;
      if (!(key in expected)) return `at ${path}.${key}: unexpected ${describe(actual[key])}`;
      const difference = compareJson(expected[key], actual[key], options, `${path}.${key}`);
      if (difference) return difference;
    }
    return undefined;
  }
  return expected === actual
    ? undefined
    : `at ${path}: expected ${describe(expected)}, got ${describe(actual)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function compareValue(
  key: string,
  expected: unknown,
  actual: unknown,
  options: CompareOptions,
): string | undefined {
  if (key === "image/png" && typeof expected === "string" && typeof actual === "string") {
    return comparePng(expected, actual, options);
  }
  if (typeof expected !== "string" || typeof actual !== "string")
    return compareJson(expected, actual, options);
  let [a, b] = [expected, actual].map((text) => sanitize(text, options.sanitizers));
  if (MARKUP_KEYS.has(key)) {
    [a, b] = [a, b].map((markup) => normaliseMarkup(markup).replace(/></g, ">\n<"));
  }
  if (a === b) return undefined;
  if (!options.approx) return textDiff(a, b);
  const difference = compareTextNumbers(a, b, options.approx);
  return difference && `${difference}\n${textDiff(a, b)}`;
}

export function compareOutputs(expected: Output[], actual: Output[], options: CompareOptions): Difference[] {
  const [want, got] = [flatten(expected, options.sanitizers), flatten(actual, options.sanitizers)];
  const differences: Difference[] = [];
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const [a, b] = [want.get(key) ?? [], got.get(key) ?? []];
    if (a.length === 0)
      differences.push({ key, message: `unexpected output\n${textDiff("", asText(b[0]))}` });
    else if (b.length === 0)
      differences.push({ key, message: `missing output\n${textDiff(asText(a[0]), "")}` });
    else if (a.length !== b.length)
      differences.push({ key, message: `expected ${a.length} ${key} outputs, got ${b.length}` });
    else {
      a.forEach((value, i) => {
        const difference = compareValue(key, value, b[i], options);
        if (difference) differences.push({ key, message: difference });
      });
    }
  }
  return differences;
}
