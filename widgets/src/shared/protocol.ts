// Names shared by the kernel-side classes and the browser extension: the module the frontend registers and
// the widget protocol versions the kernel announces. One place, so the two sides cannot drift apart.
export const MODULE_NAME = "tensorscope-widgets";
export const MODULE_VERSION = "0.1.0";
/** Jupyter widget message protocol spoken on the comm (ipywidgets 8: 2.1.0). */
export const WIDGET_PROTOCOL_VERSION = "2.1.0";
/** Version of the `jupyter.widget.control` comm protocol (ipywidgets >= 7.7). */
export const CONTROL_PROTOCOL_VERSION = "1.0.0";
export const BASE_MODULE = "@jupyter-widgets/base";
export const BASE_MODULE_VERSION = "2.0.0";

/** The six keys every widget model state carries so a frontend can find its model and view classes. */
export function modelHeader(model: string, view: string): Record<string, string> {
  return {
    _model_name: `${model}Model`,
    _model_module: MODULE_NAME,
    _model_module_version: MODULE_VERSION,
    _view_name: `${view}View`,
    _view_module: MODULE_NAME,
    _view_module_version: MODULE_VERSION,
  };
}

/** One row of a SummaryView's `rows` state: built by the kernel side, drawn by the browser side. */
export interface SummaryViewRow {
  depth: number;
  type: string;
  name: string;
  output: string;
  params: string;
  container: boolean;
}
