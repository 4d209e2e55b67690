// interact(fn, { name: abbreviation }) as ipywidgets users know it: one control per argument, chosen from the
// abbreviation, and an Output that shows fn's result again whenever a control changes.
import { DISPLAY_SYMBOL, type MimeBundle } from "../../src/display";
import {
  Checkbox,
  Dropdown,
  FloatSlider,
  IntSlider,
  Output,
  Text,
  VBox,
  Widget,
  type ValueWidget,
} from "./controls";

/**
 * `[min, max]` / `[min, max, step]`: IntSlider, or FloatSlider when any is fractional; an array of strings or
 * `[label, value]` pairs: Dropdown; boolean: Checkbox; string: Text; number v: a slider from -v to 3v (ipywidgets'
 * rule); a control: used as it is.
 */
export type Abbreviation =
  | [number, number]
  | [number, number, number]
  | readonly (string | number)[]
  | readonly [string, unknown][]
  | boolean
  | string
  | number
  | ValueWidget<unknown>;

type Values<S> = {
  [K in keyof S]: S[K] extends boolean
    ? boolean
    : S[K] extends string
      ? string
      : S[K] extends readonly (infer E)[]
        ? E extends [string, infer V]
          ? V
          : E extends string
            ? E
            : number
        : S[K] extends ValueWidget<infer V>
          ? V
          : number;
};

function isRange(value: unknown): value is number[] {
  return (
    Array.isArray(value) &&
    (value.length === 2 || value.length === 3) &&
    value.every((v) => typeof v === "number")
  );
}

export function widgetFor(name: string, abbreviation: Abbreviation): ValueWidget<unknown> {
  const description = name;
  if (abbreviation instanceof Widget) return abbreviation as ValueWidget<unknown>;
  if (isRange(abbreviation)) {
    const [min, max, step] = abbreviation;
    const float = abbreviation.some((v) => !Number.isInteger(v));
    return float
      ? new FloatSlider({ min, max, step, description })
      : new IntSlider({ min, max, step, description });
  }
  if (Array.isArray(abbreviation))
    return new Dropdown({ options: [...abbreviation] as never[], description });
  if (typeof abbreviation === "boolean") return new Checkbox({ value: abbreviation, description });
  if (typeof abbreviation === "string") return new Text({ value: abbreviation, description });
  if (typeof abbreviation === "number") {
    const v = abbreviation;
    const [min, max] = v > 0 ? [-v, 3 * v] : v < 0 ? [3 * v, -v] : [-1, 1];
    return Number.isInteger(v)
      ? new IntSlider({ value: v, min, max, description })
      : new FloatSlider({ value: v, min, max, description });
  }
  throw new TypeError(
    `interact: cannot make a control for "${name}" from ${JSON.stringify(abbreviation)}; expected [min, max], ` +
      "[min, max, step], an array of options, a boolean, a string, a number or a control",
  );
}

/** The controls and the Output of one interact() call; displayed as a VBox (and as the result's picture). */
export class Interactive<S extends Record<string, Abbreviation>> extends VBox {
  readonly output: Output;
  readonly controls: { [K in keyof S]: ValueWidget<unknown> };
  private run = 0;
  private latest: Promise<void>;
  private lastBundle: MimeBundle | undefined;

  constructor(
    private readonly fn: (values: Values<S>) => unknown,
    spec: S,
  ) {
    const controls = Object.fromEntries(Object.entries(spec).map(([k, a]) => [k, widgetFor(k, a)]));
    const output = new Output();
    super([...Object.values(controls), output]);
    this.output = output;
    this.controls = controls as never;
    for (const control of Object.values(controls))
      control.observe(() => void this.update(), ["value", "index"]);
    this.latest = this.update();
  }

  get values(): Values<S> {
    return Object.fromEntries(Object.entries(this.controls).map(([k, c]) => [k, c.value])) as Values<S>;
  }

  /** Calls fn with the controls' values and shows its result; a later call's result wins over a slower earlier one. */
  update(): Promise<void> {
    const run = ++this.run;
    this.latest = (async () => {
      try {
        const result = await this.fn(this.values);
        if (run !== this.run) return;
        if (result === undefined) this.output.clear();
        else await this.output.show(result);
        this.lastBundle = (this.output.outputs[0] as { data?: MimeBundle } | undefined)?.data;
      } catch (error) {
        if (run === this.run) this.output.showError(error);
      }
    })();
    return this.latest;
  }

  /** Resolves once the latest call of fn has been shown. */
  settled(): Promise<void> {
    return this.latest;
  }

  override async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    await this.latest;
    const live = await super[DISPLAY_SYMBOL]();
    // The first result's own bundle (e.g. a PNG) is the still picture where no widget manager runs.
    return {
      ...this.lastBundle,
      ...live,
      "text/plain": this.lastBundle?.["text/plain"] ?? live["text/plain"],
    };
  }
}

/** `interact(fn, { layer: names, channel: [0, 63] })`: make it the cell's last value to show it. */
export function interact<S extends Record<string, Abbreviation>>(
  fn: (values: Values<S>) => unknown,
  spec: S,
): Interactive<S> {
  return new Interactive(fn, spec);
}
