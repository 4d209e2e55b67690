// images(): the images logged under a tag in each run, one step at a time with a slider (vega-lite image mark over data
// URLs), plus the latest image as PNG and an escaped HTML figure for front ends without vega.
import { DISPLAY_SYMBOL, type MimeBundle } from "../display";
import { escapeHtml } from "../html";
import type { ImageData } from "../events/decode";
import { runFilter, runsWithTag, runsOf, type NameFilter, type RunsSource } from "./source";
import { VEGA_LITE_MIME, VEGA_LITE_SCHEMA, renderSvg } from "./render";
import { oneStepAtATime, stepSpans, textTable, unionSteps } from "./chart";
import { LogView } from "./view";

export interface ImagesOptions {
  /** One run to show (default: every run that has the tag, side by side). */
  run?: string;
  /** Runs to show (names or a pattern). */
  runs?: NameFilter;
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

interface Frame {
  run: string;
  step: number;
  image: ImageData;
}

const dataUrl = (image: ImageData): string =>
  `data:${imageMime(image.encoded)};base64,${image.encoded.toString("base64")}`;

function imagesSpec(
  frames: Frame[],
  tag: string,
  width: number,
  height: number,
  fixedIndex?: number,
): Record<string, unknown> {
  const steps = unionSteps(
    runNames(frames).map((run) => frames.filter((f) => f.run === run).map((f) => f.step)),
  );
  const values = runNames(frames).flatMap((run) => {
    const own = frames.filter((f) => f.run === run);
    const spans = stepSpans(
      steps,
      own.map((f) => f.step),
    );
    return own.map((f, k) => ({ run, step: f.step, ...spans[k], url: dataUrl(f.image) }));
  });
  const inner = {
    width,
    height,
    mark: { type: "image", width, height, aspect: false },
    encoding: {
      url: { field: "url", type: "nominal" },
      x: { datum: 0.5, scale: { domain: [0, 1] }, axis: null },
      y: { datum: 0.5, scale: { domain: [0, 1] }, axis: null },
    },
  };
  const common = { $schema: VEGA_LITE_SCHEMA, data: { values }, ...oneStepAtATime(tag, steps, fixedIndex) };
  const single = runNames(frames).length === 1;
  return single
    ? { ...common, ...inner, config: { view: { stroke: null } } }
    : {
        ...common,
        facet: { column: { field: "run", type: "nominal", title: null } },
        spec: inner,
        config: { view: { stroke: null } },
      };
}

const runNames = (frames: Frame[]): string[] => [...new Set(frames.map((f) => f.run))];

export class ImagesView extends LogView {
  readonly spec: Record<string, unknown>;
  readonly text: string;
  private readonly staticSpec: Record<string, unknown>;

  constructor(
    readonly runs: string[],
    readonly tag: string,
    readonly frames: Frame[],
    options: ImagesOptions,
  ) {
    super();
    const last = frames[frames.length - 1].image;
    const width = options.width ?? Math.max(128, last.width);
    const height = Math.round((width * last.height) / Math.max(1, last.width));
    this.spec = imagesSpec(frames, tag, width, height);
    const stepCount = unionSteps(
      runs.map((run) => frames.filter((f) => f.run === run).map((f) => f.step)),
    ).length;
    this.staticSpec = imagesSpec(frames, tag, width, height, stepCount - 1);
    const table = textTable(
      ["run", "step", "width", "height", "bytes"],
      frames.map((f) => [
        f.run,
        String(f.step),
        String(f.image.width),
        String(f.image.height),
        String(f.image.encoded.length),
      ]),
    );
    const where =
      runs.length === 1 ? `run ${JSON.stringify(runs[0])}` : `${runs.length} runs (${runs.join(", ")})`;
    this.text = `images of ${JSON.stringify(tag)} in ${where}\n${table}`;
  }

  /** The one run shown, or the first of several. */
  get run(): string {
    return this.runs[0];
  }

  /** The latest step of each run, side by side (images embedded as data URLs). */
  toSvg(): Promise<string> {
    return renderSvg(this.staticSpec);
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    const latest = this.runs.map((run) => this.frames.filter((f) => f.run === run).at(-1)!);
    const figures = latest.map((f) => {
      const caption = `${f.run} / ${this.tag} — step ${f.step}`;
      return `<figure style="display:inline-block"><img src="${dataUrl(f.image)}" alt="${escapeHtml(this.tag)}"/><figcaption>${escapeHtml(caption)}</figcaption></figure>`;
    });
    const bundle: MimeBundle = {
      "text/plain": this.text,
      [VEGA_LITE_MIME]: this.spec,
      "text/html": figures.join(""),
    };
    const first = latest[0].image.encoded;
    if (this.runs.length === 1 && imageMime(first) === "image/png")
      bundle["image/png"] = first.toString("base64");
    else bundle["image/svg+xml"] = await this.toSvg();
    return bundle;
  }
}

/** `images("runs", "input/grid")`: every logged image of a tag with a step slider, every run that has it side by side. */
export function images(source: RunsSource, tag: string, options: ImagesOptions = {}): ImagesView {
  const runs = runsWithTag(
    runsOf(source, "images"),
    tag,
    (r) => r.images,
    "images",
    runFilter(options, "images"),
  );
  const frames = runs.flatMap((run) =>
    [...run.images.get(tag)!]
      .sort((a, b) => a.step - b.step)
      .flatMap((p) => p.value.slice(0, 1).map((image) => ({ run: run.name, step: p.step, image }))),
  );
  return new ImagesView(
    runs.map((r) => r.name),
    tag,
    frames,
    options,
  );
}
