// The one display protocol: anything worth seeing implements [Symbol.for("Jupyter.display")]() and returns a
// MIME bundle with "text/plain" always present (the protocol Deno's Jupyter kernel uses). The library never
// talks to Jupyter itself: a kernel installs a sink, and without one `display` prints the plain text.
import { inspect } from "node:util";

export const DISPLAY_SYMBOL: unique symbol = Symbol.for("Jupyter.display") as never;

export interface MimeBundle {
  "text/plain": string;
  [mimeType: string]: unknown;
}

export interface Displayable {
  [DISPLAY_SYMBOL](): MimeBundle | Promise<MimeBundle>;
}

export interface DisplayRequest {
  bundle: MimeBundle;
  /** Set when the caller passed an id; the first display of an id creates the output, later ones update it. */
  displayId?: string;
  update: boolean;
}

/** Installed by a kernel (see kernel-ext/) to turn display requests into Jupyter messages. */
export type DisplaySink = (request: DisplayRequest) => void;

const SINK_KEY = Symbol.for("tensorscope.display.sink");
const SEEN_KEY = Symbol.for("tensorscope.display.seenIds");
type SinkHolder = { [SINK_KEY]?: DisplaySink; [SEEN_KEY]?: Set<string> };
// Kept on globalThis so that a second copy of the library (notebook vs. kernel) shares one sink.
const holder = globalThis as unknown as SinkHolder;

export function setDisplaySink(sink: DisplaySink | undefined): void {
  holder[SINK_KEY] = sink;
  holder[SEEN_KEY] = new Set();
}

export function isDisplayable(value: unknown): value is Displayable {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as Partial<Displayable>)[DISPLAY_SYMBOL] === "function"
  );
}

/** The MIME bundle of any value: its own for displayables, otherwise an inspected text/plain. */
export async function toMimeBundle(value: unknown): Promise<MimeBundle> {
  if (!isDisplayable(value)) return { "text/plain": typeof value === "string" ? value : inspect(value) };
  const bundle = await value[DISPLAY_SYMBOL]();
  if (typeof bundle?.["text/plain"] !== "string") {
    throw new TypeError('a display bundle must contain a "text/plain" string');
  }
  return bundle;
}

export interface DisplayOptions {
  /** Reuse an id to update the earlier output in place (e.g. a chart while a model trains). */
  id?: string;
}

/** Shows a value as a rich cell output in a notebook, or prints its plain text elsewhere. */
export async function display(value: unknown, options: DisplayOptions = {}): Promise<void> {
  if (options.id !== undefined && (typeof options.id !== "string" || options.id === "")) {
    throw new TypeError(`display id must be a non-empty string, got ${inspect(options.id)}`);
  }
  const bundle = await toMimeBundle(value);
  const sink = holder[SINK_KEY];
  if (!sink) {
    console.log(bundle["text/plain"]);
    return;
  }
  const seen = (holder[SEEN_KEY] ??= new Set());
  const update = options.id !== undefined && seen.has(options.id);
  if (options.id !== undefined) seen.add(options.id);
  sink({ bundle, displayId: options.id, update });
}
