// Base of every kernel-side widget. Displaying one gives a MIME bundle with a static picture (PNG/HTML, for
// VS Code, GitHub, exported HTML and stored outputs) plus, inside a tensorscope kernel, a live widget view
// backed by a comm. Frontend messages: `update` (user changes), `request_state`, `custom`; anything else is
// ignored with a warning.
import { randomUUID } from "node:crypto";
import { DISPLAY_SYMBOL, type Displayable, type MimeBundle } from "../../src/display";
import { kernelAttached, openWidgetComm, sendUpdate, warn, type Comm, type CommMessage } from "./comm-host";
import { modelHeader } from "./shared/protocol";

export const WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json";

export abstract class LiveWidget implements Displayable {
  readonly modelId = randomUUID().replace(/-/g, "");
  private comm: Comm | undefined;

  /** e.g. "HistogramSlider": the frontend classes are `${kind}Model` and `${kind}View`. */
  protected abstract readonly kind: string;

  /** The widget's data state (typed arrays become binary buffers). */
  protected abstract dataState(): Record<string, unknown>;

  /** The static outputs shown where no widget manager runs; must include "text/plain". */
  protected abstract staticBundle(): MimeBundle | Promise<MimeBundle>;

  /** A user changed these keys in the browser; subclasses keep what they need. */
  protected applyUpdate(_state: Record<string, unknown>): void {}

  protected onCustom(content: unknown): void {
    warn(`${this.kind}: ignored a custom message ${JSON.stringify(content)?.slice(0, 200)}`);
  }

  fullState(): Record<string, unknown> {
    return { ...modelHeader(this.kind, this.kind), ...this.dataState() };
  }

  /** True once displayed in a kernel: updates then reach the browser. */
  get isLive(): boolean {
    return this.comm !== undefined && !this.comm.closed && kernelAttached();
  }

  async [DISPLAY_SYMBOL](): Promise<MimeBundle> {
    const bundle = { ...(await this.staticBundle()) };
    if (kernelAttached()) {
      this.ensureComm();
      bundle[WIDGET_VIEW_MIME] = { model_id: this.modelId, version_major: 2, version_minor: 1 };
    }
    return bundle;
  }

  /** Sends changed state to the browser (no-op before display or outside a kernel). */
  protected push(partial: Record<string, unknown>): void {
    if (this.comm) sendUpdate(this.comm, partial);
  }

  /** Sends a `custom` message to the browser's model. */
  protected sendCustom(content: Record<string, unknown>): void {
    if (this.comm && !this.comm.closed && kernelAttached()) this.comm.send({ method: "custom", content });
  }

  /** Closes the live view; the static output stays. */
  close(): void {
    this.comm?.close();
  }

  private ensureComm(): void {
    if (this.comm && !this.comm.closed) return;
    this.comm = openWidgetComm(this);
    this.comm.onMsg((message) => this.receive(message));
  }

  private receive(message: CommMessage): void {
    const data = message.data as { method?: unknown; state?: unknown; content?: unknown };
    switch (data.method) {
      case "update":
        if (data.state && typeof data.state === "object")
          this.applyUpdate(data.state as Record<string, unknown>);
        return;
      case "request_state":
        if (this.comm) sendUpdate(this.comm, this.fullState());
        return;
      case "custom":
        this.onCustom(data.content);
        return;
      default:
        warn(
          `${this.kind} ${this.modelId}: ignored a comm message with unknown method ${JSON.stringify(data.method)}`,
        );
    }
  }
}
