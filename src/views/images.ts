// images(): the images logged under a tag, one step at a time with a slider (vega-lite image mark over data
// URLs), plus the latest image as PNG and an escaped HTML figure for front ends without vega.
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { escapeHtml } from "../html";
import type { ImageData } from "../events/decode";
import { runWithTag, runsOf, type RunsSource } from "./source";
import { VEGA_LITE_MIME, VEGA_LITE_SCHEMA } from "./render";
import { oneStepAtATime, textTable } from "./chart";

export interface ImagesOptions {
  run?: string;
  /** Display width in pixels (default: the image's own, at least 128). */
  width?: number;
}

const MIME_OF_MAGIC: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46], "image/gif"],
];

export function imageMime(encoded: Buffer): string {
  return (
    MIME_OF_MAGIC.find(([magic]) => magic.every((b, i) => encoded[i] === b))?.[1] ??
    "application/octet-stream"
  );
}

export class ImagesView {
  readonly spec: Record<string, unknown>;

  constructor(
    readonly run: string,
    readonly tag: string,
    readonly frames: { step: number; image: ImageData }[],
    options: ImagesOptions,
  ) {
    const last = frames[frames.length - 1].image;
    const width = options.width ?? Math.max(128, last.width);
    const height = Math.round((width * last.height) / Math.max(1, last.width));
    const values = frames.map((f, index) => ({
      index,
      step: f.step,
      url: `data:${imageMime(f.image.encoded)};base64,${f.image.encoded.toString("base64")}`,
    }));
    this.spec = {
      $schema: VEGA_LITE_SCHEMA,
      data: { values },
      ...oneStepAtATime(
        tag,
        frames.map((f) => f.step),
      ),
      width,
      height,
      mark: { type: "image", width, height, aspect: false },
      encoding: {
        url: { field: "url", type: "nominal" },
        x: { datum: 0.5, scale: { domain: [0, 1] }, axis: null },
        y: { datum: 0.5, scale: { domain: [0, 1] }, axis: null },
      },
      config: { view: { stroke: null } },
    };
  }

  [DISPLAY_SYMBOL](): MimeBundle {
    const latest = this.frames[this.frames.length - 1];
    const mime = imageMime(latest.image.encoded);
    const caption = `${this.run} / ${this.tag} — step ${latest.step} (${this.frames.length} steps)`;
    const table = textTable(
      ["step", "width", "height", "bytes"],
      this.frames.map((f) => [
        String(f.step),
        String(f.image.width),
        String(f.image.height),
        String(f.image.encoded.length),
      ]),
    );
    const bundle: MimeBundle = {
      "text/plain": `images of "${this.tag}" in run "${this.run}"\n${table}`,
      [VEGA_LITE_MIME]: this.spec,
      "text/html": `<figure><img src="data:${mime};base64,${latest.image.encoded.toString("base64")}" alt="${escapeHtml(this.tag)}"/><figcaption>${escapeHtml(caption)}</figcaption></figure>`,
    };
    if (mime === "image/png") bundle["image/png"] = latest.image.encoded.toString("base64");
    return bundle;
  }
}

/** `images("runs", "input/grid")`: every logged image of a tag with a step slider. */
export function images(source: RunsSource, tag: string, options: ImagesOptions = {}): ImagesView {
  const run = runWithTag(runsOf(source, "images"), tag, (r) => r.images, "images", options.run);
  const frames = run.images
    .get(tag)!
    .flatMap((p) => p.value.slice(0, 1).map((image) => ({ step: p.step, image })));
  return new ImagesView(run.name, tag, frames, options);
}
