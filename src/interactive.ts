// `{ interactive: true }` on a library call returns a live widget instead of a static picture. The widgets live
// outside the library (tensorscope/widgets: they need the kernel's comms), so they register their factories here,
// and a kernel installs a loader that imports them on first use. src/ itself never imports Jupyter code.
import type { Displayable } from "./display";

export type InteractiveKind = "kernels" | "featureMaps" | "summary" | "histograms";
export type InteractiveFactory = (...args: never[]) => Displayable;

const FACTORIES = Symbol.for("tensorscope.interactive.factories");
const LOADER = Symbol.for("tensorscope.interactive.loader");
type Holder = { [FACTORIES]?: Map<InteractiveKind, InteractiveFactory>; [LOADER]?: () => void };
// On globalThis, so that a second copy of the library (kernel vs. notebook) sees the same registrations.
const holder = globalThis as unknown as Holder;

export function registerInteractive(kind: InteractiveKind, factory: InteractiveFactory): void {
  (holder[FACTORIES] ??= new Map()).set(kind, factory);
}

/** Set by a kernel: imports the widgets (which register themselves) when a call first asks for one. */
export function setInteractiveLoader(loader: (() => void) | undefined): void {
  holder[LOADER] = loader;
}

export function makeInteractive<Args extends unknown[]>(kind: InteractiveKind, ...args: Args): Displayable {
  if (!holder[FACTORIES]?.has(kind)) holder[LOADER]?.();
  const factory = holder[FACTORIES]?.get(kind) as ((...a: Args) => Displayable) | undefined;
  if (!factory) {
    throw new Error(
      `${kind}(…, { interactive: true }) needs the live widgets, which run in the tensorscope Jupyter kernel ` +
        `(or import "tensorscope/widgets" first); leave out "interactive" for a static picture`,
    );
  }
  return factory(...args);
}
