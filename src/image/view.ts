// A picture that shows itself in a notebook (image/png + text/plain) and saves itself as a PNG file. The pixels
// may be given lazily, so that computing a result never pays for drawing it until it is displayed or saved.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { encodePng, type RgbaImage } from "./png";

export class ImageView {
  #image?: RgbaImage;
  #draw?: () => RgbaImage;
  #png?: Buffer;

  /** `image` is the pixels or a function drawing them (called once, on first use); `description` is the text. */
  constructor(
    image: RgbaImage | (() => RgbaImage),
    readonly description: string,
  ) {
    if (typeof image === "function") this.#draw = image;
    else this.#image = image;
  }

  /** The RGBA pixels (drawn on first access). */
  get image(): RgbaImage {
    if (!this.#image) this.#image = this.#draw!();
    return this.#image;
  }

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
