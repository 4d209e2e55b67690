// The approximate rules of a cell tagged `nbtest-approx` (docs/kernel.md, "Outputs that depend on the CPU"):
// outputs that follow from training or from many floating-point steps differ between CPUs in their digits and
// pixels, never in their words, structure or shape. So: text must match word for word, with the numbers in it
// compared to a tolerance; pictures must have the same size, with each block's mean colour compared to a
// tolerance. What a regression changes (a class name, a layer name, a missing picture, a curve that goes up
// instead of down) still fails.
import { PNG } from "pngjs";

export interface ApproxRules {
  /** Numbers (in text, markup and JSON) match when |a-b| <= absolute + relative * max(|a|, |b|). */
  relative: number;
  absolute: number;
  /** Pictures are compared as the mean colour of square blocks of this many pixels a side. */
  imageBlock: number;
  /** A block differs when a channel's mean differs by more than this (0-255). */
  imageLevel: number;
  /** A picture matches when at most this fraction of its blocks differ. */
  imageBlockFraction: number;
}

export const DEFAULT_APPROX: ApproxRules = {
  relative: 0.02,
  absolute: 1e-6,
  imageBlock: 8,
  imageLevel: 40,
  imageBlockFraction: 0.05,
};

/** The per-cell settings a notebook may give in `metadata.nbtest`, checked so that a typo is not ignored. */
export function approxRulesOf(settings: unknown, where: string): ApproxRules {
  if (settings === undefined) return DEFAULT_APPROX;
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) {
    throw new Error(`${where}: metadata.nbtest must be an object like {"relative": 0.05}`);
  }
  const rules = { ...DEFAULT_APPROX };
  for (const [key, value] of Object.entries(settings)) {
    if (!(key in rules)) {
      throw new Error(
        `${where}: unknown metadata.nbtest setting "${key}" (expected ${Object.keys(DEFAULT_APPROX).join(", ")})`,
      );
    }
    if (typeof value !== "number" || !(value >= 0)) {
      throw new Error(`${where}: metadata.nbtest.${key} must be a number >= 0, got ${JSON.stringify(value)}`);
    }
    rules[key as keyof ApproxRules] = value;
  }
  return rules;
}

export function numbersMatch(
  a: number,
  b: number,
  rules: Pick<ApproxRules, "relative" | "absolute">,
): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true; // infinities
  return Math.abs(a - b) <= rules.absolute + rules.relative * Math.max(Math.abs(a), Math.abs(b));
}

// A decimal number as text and SVG path data write it: sign, digits, fraction, exponent ("-1.5e-3", ".25").
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

/**
 * The first difference between two texts when their numbers may differ within the rules: the words around the
 * numbers must be equal and the numbers as many. Returns a one-line description, or undefined when they match.
 */
export function compareTextNumbers(expected: string, actual: string, rules: ApproxRules): string | undefined {
  const [a, b] = [expected, actual].map((text) => ({
    words: text.split(NUMBER),
    numbers: text.match(NUMBER) ?? [],
  }));
  const words = a.words.findIndex((word, i) => word !== b.words[i]);
  if (words >= 0 || a.words.length !== b.words.length) {
    const at = words >= 0 ? words : Math.min(a.words.length, b.words.length);
    return `the text around the numbers differs: expected ${JSON.stringify(clip(a.words[at]))}, got ${JSON.stringify(clip(b.words[at]))}`;
  }
  for (let i = 0; i < a.numbers.length; i++) {
    if (!numbersMatch(Number(a.numbers[i]), Number(b.numbers[i]), rules)) {
      return `number ${i + 1} of ${a.numbers.length} differs beyond the tolerance: expected ${a.numbers[i]}, got ${b.numbers[i]} (after ${JSON.stringify(clip(a.words[i].slice(-40)))})`;
    }
  }
  return undefined;
}

function clip(text: string | undefined): string {
  if (text === undefined) return "(end)";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Mean of each channel over each block of `size` pixels a side (edge blocks are smaller). */
function blockMeans(image: PNG, size: number): Float64Array {
  const columns = Math.ceil(image.width / size);
  const rows = Math.ceil(image.height / size);
  const sums = new Float64Array(columns * rows * 4);
  const counts = new Float64Array(columns * rows);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const block = Math.floor(y / size) * columns + Math.floor(x / size);
      counts[block]++;
      for (let c = 0; c < 4; c++) sums[block * 4 + c] += image.data[(y * image.width + x) * 4 + c];
    }
  }
  return sums.map((sum, i) => sum / counts[Math.floor(i / 4)]);
}

/** Pictures of the same size whose blocks' mean colours agree within the rules. */
export function comparePngBlocks(a: PNG, b: PNG, rules: ApproxRules): string | undefined {
  const size = Math.max(1, Math.round(rules.imageBlock));
  const [meansA, meansB] = [blockMeans(a, size), blockMeans(b, size)];
  const blocks = meansA.length / 4;
  let differing = 0;
  for (let block = 0; block < blocks; block++) {
    for (let c = 0; c < 4; c++) {
      if (Math.abs(meansA[block * 4 + c] - meansB[block * 4 + c]) > rules.imageLevel) {
        differing++;
        break;
      }
    }
  }
  if (differing <= rules.imageBlockFraction * blocks) return undefined;
  const percent = ((100 * differing) / blocks).toFixed(1);
  return `PNG blocks differ: ${differing} of ${blocks} ${size}x${size} blocks (${percent}%) differ in mean colour by more than ${rules.imageLevel}/255 (allowed ${100 * rules.imageBlockFraction}%)`;
}
