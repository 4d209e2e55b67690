// ipywidgets' standard controls from TypeScript: models of `@jupyter-widgets/controls` 2.0.0 (and `output`
// 1.0.0) opened from the kernel, so JupyterLab's own widget manager draws them (no extension of ours needed).
// State names and defaults follow ipywidgets 8; values the user changes in the browser come back as `update`.
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { resultBundle } from "../../kernel-ext/result";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../../src/display";
import { kernelAttached, openWidgetComm, sendUpdate, warn, type Comm, type CommMessage } from "./comm-host";
import { BASE_MODULE, BASE_MODULE_VERSION } from "./shared/protocol";
import { WIDGET_VIEW_MIME } from "./widget";

const CONTROLS = ["@jupyter-widgets/controls", "2.0.0"] as const;
const OUTPUT = ["@jupyter-widgets/output", "1.0.0"] as const;
type Module = readonly [string, string];

export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
}

/** A widget model: state synced both ways with the browser, referenced models opened before it. */
export class Widget implements Displayable {
  readonly modelId = randomUUID().replace(/-/g, "");
  protected readonly state: Record<string, unknown>;
  private comm: Comm | undefined;
  private readonly observers: { names?: string[]; handler: (change: Change) => void }[] = [];

  constructor(
    readonly modelName: string,
    readonly viewName: string | null,
    private readonly module: Module,
    state: Record<string, unknown>,
    private readonly children: Widget[] = [],
    private readonly viewModule: Module = module,
  ) {
    this.state = state;
  }

  fullState(): Record<string, unknown> {
    return {
      _model_name: this.modelName,
      _model_module: this.module[0],
      _model_module_version: this.module[1],
      _view_name: this.viewName,
      _view_module: this.viewModule[0],
      _view_module_version: this.viewModule[1],
      _view_count: null,
      ...this.serialised(),
    };
  }

  /** Calls `handler` after a change of these state names (all when omitted), from the kernel or the browser. */
  observe(handler: (change: Change) => void, names?: string | string[]): this {
    this.observers.push({ handler, names: typeof names === "string" ? [names] : names });
    return this;
  }

  protected get(name: string): unknown {
    return this.state[name];
  }

  /** Changes state here and in the browser, then tells observers. */
  protected set(changes: Record<string, unknown>): void {
    const old = { ...this.state };
    Object.assign(this.state, changes);
    if (this.comm) sendUpdate(this.comm, this.serialise(changes));
    this.notify(old, Object.keys(changes));
  }

  /** Opens the model's comm (and its children's) inside a kernel; a no-op elsewhere. */
  open(): void {
    if (!kernelAttached() || (this.comm && !this.comm.closed)) return;
    for (const child of this.children) child.open();
    this.comm = openWidgetComm(this);
    this.comm.onMsg((message) => this.receive(message));
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    const bundle: MimeBundle = { "text/plain": this.toString() };
    if (kernelAttached()) {
      this.open();
      bundle[WIDGET_VIEW_MIME] = { model_id: this.modelId, version_major: 2, version_minor: 0 };
    }
    return bundle;
  }

  toString(): string {
    const shown = Object.entries(this.state)
      .filter(([key, value]) => !key.startsWith("_") && !(value instanceof Widget) && !Array.isArray(value))
      .map(([key, value]) => `${key}=${inspect(value)}`);
    return `${this.modelName.replace(/Model$/, "")}(${shown.join(", ")})`;
  }

  /** The browser clicked (Button) or sent another custom event. */
  protected onCustom(content: unknown): void {
    warn(`${this.modelName}: ignored a custom message ${JSON.stringify(content)?.slice(0, 200)}`);
  }

  private serialised(): Record<string, unknown> {
    return this.serialise(this.state);
  }

  /** Child widgets travel as "IPY_MODEL_<id>", as the widget protocol references models. */
  private serialise(values: Record<string, unknown>): Record<string, unknown> {
    const ref = (v: unknown) => (v instanceof Widget ? `IPY_MODEL_${v.modelId}` : v);
    return Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.map(ref) : ref(v)]),
    );
  }

  private notify(old: Record<string, unknown>, names: string[]): void {
    for (const name of names) {
      if (Object.is(old[name], this.state[name])) continue;
      const change = { name, old: old[name], new: this.state[name], owner: this };
      for (const observer of this.observers) {
        if (!observer.names || observer.names.includes(name)) observer.handler(change);
      }
    }
  }

  private receive(message: CommMessage): void {
    const data = message.data as { method?: unknown; state?: Record<string, unknown>; content?: unknown };
    if (data.method === "update" && data.state) {
      const old = { ...this.state };
      // References and read-only keys stay the kernel's; plain values are the user's choice.
      const accepted = Object.entries(data.state).filter(([k]) => !(this.state[k] instanceof Widget));
      Object.assign(this.state, Object.fromEntries(accepted));
      this.notify(
        old,
        accepted.map(([k]) => k),
      );
    } else if (data.method === "request_state" && this.comm) {
      sendUpdate(this.comm, this.fullState());
    } else if (data.method === "custom") {
      this.onCustom(data.content);
    } else {
      warn(`${this.modelName}: ignored a comm message with unknown method ${JSON.stringify(data.method)}`);
    }
  }
}

const BASE: Module = [BASE_MODULE, BASE_MODULE_VERSION];
const layout = () => new Widget("LayoutModel", "LayoutView", BASE, {});
const style = (model: string, extra: Record<string, unknown> = {}) =>
  new Widget(model, "StyleView", CONTROLS, { description_width: "", ...extra }, [], BASE);

/** A control with a `value`, a description, a layout and a style model. */
export class ValueWidget<T> extends Widget {
  constructor(model: string, view: string, styleModel: string, state: Record<string, unknown>) {
    const parts = { layout: layout(), style: style(styleModel) };
    const common = {
      description: "",
      description_allow_html: false,
      disabled: false,
      tabbable: null,
      tooltip: null,
    };
    super(model, view, CONTROLS, { _dom_classes: [], ...common, ...state, ...parts }, Object.values(parts));
  }

  get value(): T {
    return this.get("value") as T;
  }

  set value(value: T) {
    this.set({ value });
  }
}

export interface SliderOptions<T> {
  value?: T;
  min?: T;
  max?: T;
  step?: T;
  description?: string;
  continuousUpdate?: boolean;
}

function slider(kind: "Int" | "Float", options: SliderOptions<number>, defaults: [number, number, number]) {
  const [min, max, step] = [
    options.min ?? defaults[0],
    options.max ?? defaults[1],
    options.step ?? defaults[2],
  ];
  if (!(min <= max)) throw new RangeError(`${kind}Slider needs min <= max, got min=${min} max=${max}`);
  const value = Math.min(
    max,
    Math.max(min, options.value ?? (kind === "Int" ? Math.round((min + max) / 2) : (min + max) / 2)),
  );
  return {
    value,
    min,
    max,
    step,
    description: options.description ?? "",
    continuous_update: options.continuousUpdate ?? true,
    orientation: "horizontal",
    readout: true,
    readout_format: kind === "Int" ? "d" : ".2f",
    behavior: "drag-tap",
  };
}

export class IntSlider extends ValueWidget<number> {
  constructor(options: SliderOptions<number> = {}) {
    super("IntSliderModel", "IntSliderView", "SliderStyleModel", slider("Int", options, [0, 100, 1]));
  }
}

export class FloatSlider extends ValueWidget<number> {
  constructor(options: SliderOptions<number> = {}) {
    super("FloatSliderModel", "FloatSliderView", "SliderStyleModel", slider("Float", options, [0, 10, 0.1]));
  }
}

export class Checkbox extends ValueWidget<boolean> {
  constructor(options: { value?: boolean; description?: string } = {}) {
    const state = { value: options.value ?? false, description: options.description ?? "", indent: true };
    super("CheckboxModel", "CheckboxView", "CheckboxStyleModel", state);
  }
}

export class Text extends ValueWidget<string> {
  constructor(options: { value?: string; description?: string; placeholder?: string } = {}) {
    const state = {
      value: options.value ?? "",
      description: options.description ?? "",
      placeholder: options.placeholder ?? "",
      continuous_update: true,
    };
    super("TextModel", "TextView", "TextStyleModel", state);
  }
}

/** A choice among labelled values; `value` is the chosen value, as in ipywidgets. */
export class Dropdown<T = string> extends ValueWidget<T> {
  private readonly choices: [string, T][];

  constructor(options: { options: (T | [string, T])[]; value?: T; description?: string }) {
    const choices = (options.options ?? []).map((o) =>
      Array.isArray(o) ? o : ([String(o), o] as [string, T]),
    );
    if (choices.length === 0) throw new RangeError("Dropdown needs a non-empty `options` array");
    const index = options.value === undefined ? 0 : choices.findIndex(([, v]) => v === options.value);
    if (index < 0) throw new RangeError(`Dropdown value ${inspect(options.value)} is not one of its options`);
    const state = {
      _options_labels: choices.map(([label]) => label),
      index,
      description: options.description ?? "",
    };
    super("DropdownModel", "DropdownView", "DescriptionStyleModel", state);
    this.choices = choices;
  }

  override get value(): T {
    return this.choices[Number(this.get("index"))]?.[1];
  }

  override set value(value: T) {
    const index = this.choices.findIndex(([, v]) => v === value);
    if (index < 0) throw new RangeError(`Dropdown value ${inspect(value)} is not one of its options`);
    this.set({ index });
  }

  override observe(handler: (change: Change) => void, names?: string | string[]): this {
    // `value` of a Dropdown is its chosen option; in the model it is the index.
    const mapped = names === "value" ? "index" : names;
    return super.observe(handler, mapped);
  }
}

export class Button extends Widget {
  private readonly clicks: ((button: Button) => void)[] = [];

  constructor(options: { description?: string; tooltip?: string; icon?: string } = {}) {
    const parts = {
      layout: layout(),
      style: style("ButtonStyleModel", { button_color: null, font_weight: "" }),
    };
    const state = {
      _dom_classes: [],
      description: options.description ?? "",
      tooltip: options.tooltip ?? null,
      icon: options.icon ?? "",
      button_style: "",
      disabled: false,
      tabbable: null,
      ...parts,
    };
    super("ButtonModel", "ButtonView", CONTROLS, state, Object.values(parts));
  }

  onClick(handler: (button: Button) => void): this {
    this.clicks.push(handler);
    return this;
  }

  /** What the browser sends on a click; also callable from code. */
  click(): void {
    for (const handler of this.clicks) handler(this);
  }

  protected override onCustom(content: unknown): void {
    if ((content as { event?: unknown })?.event === "click") this.click();
    else super.onCustom(content);
  }
}

class Box extends Widget {
  constructor(model: "HBoxModel" | "VBoxModel", children: Widget[]) {
    const parts = { layout: layout() };
    const state = { _dom_classes: [], box_style: "", children, tabbable: null, tooltip: null, ...parts };
    super(model, model.replace("Model", "View"), CONTROLS, state, [...children, parts.layout]);
  }
}

export class HBox extends Box {
  constructor(children: Widget[]) {
    super("HBoxModel", children);
  }
}

export class VBox extends Box {
  constructor(children: Widget[]) {
    super("VBoxModel", children);
  }
}

/** An output area the kernel fills: `show(value)` replaces what it shows with the value's MIME bundle. */
export class Output extends Widget {
  constructor() {
    const parts = { layout: layout() };
    super("OutputModel", "OutputView", OUTPUT, { _dom_classes: [], msg_id: "", outputs: [], ...parts }, [
      parts.layout,
    ]);
  }

  get outputs(): unknown[] {
    return this.get("outputs") as unknown[];
  }

  clear(): void {
    this.set({ outputs: [] });
  }

  /** Shows these values as a cell shows its result (display_data), replacing the previous ones. */
  async show(...values: unknown[]): Promise<void> {
    const bundles = await Promise.all(values.map((value) => resultBundle(value)));
    this.set({ outputs: bundles.map((data) => ({ output_type: "display_data", data, metadata: {} })) });
  }

  /** Shows an error as the notebook shows a cell's error. */
  showError(error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    const traceback = (e.stack ?? `${e.name}: ${e.message}`).split("\n");
    this.set({ outputs: [{ output_type: "error", ename: e.name, evalue: e.message, traceback }] });
  }
}
