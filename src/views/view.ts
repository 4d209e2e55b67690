// What every log view shares: its text summary as toString(), and saveSvg/savePng of its still picture, so a view
// behaves the same whether it is displayed, printed, or written to a file.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { svgToPng } from "./render";

function checkedPath(path: unknown, method: string): string {
  if (typeof path !== "string" || path === "")
    throw new TypeError(`${method} needs a file path, got ${String(path)}`);
  const absolute = resolve(path);
  mkdirSync(dirname(absolute), { recursive: true });
  return absolute;
}

export abstract class LogView {
  /** The plain-text summary shown beside the picture (and by `String(view)`). */
  abstract readonly text: string;

  /** The still picture as SVG (what exported notebooks and GitHub show). */
  abstract toSvg(): Promise<string>;

  abstract [DISPLAY_SYMBOL](): MimeBundle | Promise<MimeBundle>;

  toString(): string {
    return this.text;
  }

  /** Writes the still picture as SVG; returns the absolute path. */
  async saveSvg(path: string): Promise<string> {
    const file = checkedPath(path, "saveSvg");
    writeFileSync(file, await this.toSvg());
    return file;
  }

  /** Writes the still picture as PNG at `scale` (default 2, crisp on high-DPI screens); returns the absolute path. */
  async savePng(path: string, scale = 2): Promise<string> {
    if (!(scale > 0 && scale <= 8)) throw new RangeError(`savePng: scale must be in (0, 8], got ${scale}`);
    const file = checkedPath(path, "savePng");
    writeFileSync(file, svgToPng(await this.toSvg(), scale).png);
    return file;
  }
}
