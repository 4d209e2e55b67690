// A rendered picture that shows itself in a notebook (image/png + text/plain) and saves itself as a PNG file.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { encodePng, type RgbaImage } from "./png";

export class ImageView {
  #png?: Buffer;

  /** `description` is the text/plain form, shown where images cannot be. */
  constructor(
    readonly image: RgbaImage,
    readonly description: string,
  ) {}

  /** The PNG bytes (encoded once). */
  png(): Buffer {
    return (this.#png ??= encodePng(this.image));
  }

  /** Writes the PNG file, creating missing folders; returns the path. */
  savePng(path: string): string {
    if (typeof path !== "string" || path === "") throw new TypeError("savePng needs a file path");
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, this.png());
    return path;
  }

  [DISPLAY_SYMBOL](): MimeBundle {
    return { "image/png": this.png().toString("base64"), "text/plain": this.description };
  }

  toString(): string {
    return this.description;
  }
}
