// Common ground of every tensorscope view: a root element with a title, a "disconnected" banner when the
// kernel is gone (the view keeps working on the data it already has), and safe ways to build DOM from
// user-named things (text only, never markup).
import { DOMWidgetModel, DOMWidgetView } from "@jupyter-widgets/base";
import { modelHeader } from "../../src/shared/protocol";

/** A model's defaults name its model and view classes with the same header the kernel side sends. */
export const modelDefaults = modelHeader;

export class TensorscopeModel extends DOMWidgetModel {
  override defaults(): Backbone.ObjectHash {
    return { ...super.defaults(), title: "" };
  }
}

/** Creates an element; `text` goes in as textContent so names like "<img onerror=…>" stay inert. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className = "",
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

interface SignalLike<T> {
  connect(slot: (sender: unknown, value: T) => void, thisArg?: unknown): boolean;
  disconnect(slot: (sender: unknown, value: T) => void, thisArg?: unknown): boolean;
}

interface SessionContextLike {
  statusChanged?: SignalLike<string>;
  kernelChanged?: SignalLike<unknown>;
}

/** Kernel states in which the comm behind a view is gone or going. */
const GONE = new Set(["dead", "restarting", "autorestarting", "unknown", "terminating"]);

export abstract class TensorscopeView extends DOMWidgetView {
  protected body!: HTMLDivElement;
  private banner!: HTMLDivElement;
  private kernelGone = false;
  private session: SessionContextLike | undefined;

  override render(): void {
    this.el.classList.add("tensorscope-widget");
    this.el.dataset.modelId = this.model.model_id;
    this.el.style.fontFamily = "var(--jp-ui-font-family, sans-serif)";
    this.el.style.fontSize = "12px";
    const title = el("div", "tensorscope-title", String(this.model.get("title") ?? ""));
    title.style.fontWeight = "bold";
    this.banner = el(
      "div",
      "tensorscope-disconnected",
      "disconnected: the kernel is gone, this view can no longer update",
    );
    this.banner.style.cssText = "display:none;color:#a00;background:#fee;padding:2px 6px;margin:2px 0";
    this.body = el("div", "tensorscope-body");
    this.el.append(title, this.banner, this.body);
    this.listenTo(this.model, "comm_live_update", () => this.showLiveness());
    this.watchKernel();
    this.showLiveness();
    this.renderBody();
  }

  protected abstract renderBody(): void;

  /**
   * The widget manager marks models dead only on a restart; a kernel that is shut down or killed shows up
   * as the session's status instead, so the view watches that too.
   */
  private watchKernel(): void {
    const manager = this.model.widget_manager as unknown as {
      context?: { sessionContext?: SessionContextLike };
      _context?: { sessionContext?: SessionContextLike };
    };
    this.session = manager.context?.sessionContext ?? manager._context?.sessionContext;
    this.session?.statusChanged?.connect(this.onKernelStatus, this);
  }

  private onKernelStatus(_sender: unknown, status: string): void {
    this.kernelGone = GONE.has(status);
    this.showLiveness();
  }

  private showLiveness(): void {
    const live = !this.kernelGone && (this.model as unknown as { comm_live?: boolean }).comm_live !== false;
    this.banner.style.display = live ? "none" : "block";
    this.el.classList.toggle("tensorscope-dead", !live);
  }

  override remove(): void {
    this.session?.statusChanged?.disconnect(this.onKernelStatus, this);
    return super.remove();
  }

  /** Sends a user's change to the kernel when it is there; the view never waits for an answer. */
  protected syncToKernel(attrs: Record<string, unknown>): void {
    this.model.set(attrs);
    const model = this.model as unknown as { comm_live?: boolean; comm?: unknown };
    if (this.kernelGone || model.comm_live === false || !model.comm) return;
    try {
      this.touch();
    } catch (error) {
      console.warn("tensorscope: could not sync to the kernel", error);
    }
  }
}

/** A canvas sized in CSS pixels. */
export function makeCanvas(width: number, height: number, className: string): HTMLCanvasElement {
  const canvas = el("canvas", className);
  canvas.width = width;
  canvas.height = height;
  canvas.style.display = "block";
  return canvas;
}

export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext("2d");
  if (!ctx) throw new Error("no 2-D canvas context");
  return ctx;
}

/** Binary state values arrive as DataView (or ArrayBuffer / typed array); copy into an aligned Float32Array. */
export function toFloat32(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
    return new Float32Array(bytes.buffer, 0, Math.floor(bytes.byteLength / 4));
  }
  if (value instanceof ArrayBuffer) return new Float32Array(value.slice(0));
  return new Float32Array(0);
}

/** Puts RGBA bytes on a canvas, resizing it to the image. */
export function paint(
  canvas: HTMLCanvasElement,
  image: { width: number; height: number; data: Uint8ClampedArray<ArrayBuffer> },
): void {
  canvas.width = Math.max(1, image.width);
  canvas.height = Math.max(1, image.height);
  if (image.width > 0 && image.height > 0) {
    context2d(canvas).putImageData(new ImageData(image.data, image.width, image.height), 0, 0);
  }
}

/** A <select> whose options are set as text (user-named things stay inert). */
export function makeSelect(className: string, labels: string[], selected: number): HTMLSelectElement {
  const select = el("select", className);
  labels.forEach((label, i) => {
    const option = el("option", "", label);
    option.value = String(i);
    select.append(option);
  });
  select.value = String(selected);
  return select;
}
