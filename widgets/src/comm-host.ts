// The widgets' link to the kernel: comms come from kernel-ext's process-wide manager. Every live widget is
// registered here so the `jupyter.widget.control` target can answer a reloaded page's `request_states`
// with all of them at once (otherwise the widget manager waits 4 s per notebook before falling back).
import { writeSync } from "node:fs";
import { comms, type Comm, type CommMessage } from "../../kernel-ext/comms";
import type { JsonObject } from "../../kernel-ext/wire";
import { splitBuffers } from "./buffers";
import { CONTROL_PROTOCOL_VERSION, WIDGET_PROTOCOL_VERSION } from "./shared/protocol";

export type { Comm, CommMessage, JsonObject };

/** What the control target needs from a live widget. */
export interface StatefulWidget {
  readonly modelId: string;
  fullState(): Record<string, unknown>;
}

const WIDGET_TARGET = "jupyter.widget";
const CONTROL_TARGET = "jupyter.widget.control";
const REGISTRY_KEY = Symbol.for("tensorscope.widgets.live");
type RegistryHolder = { [REGISTRY_KEY]?: Map<string, StatefulWidget> };
// On globalThis: notebook cells and the compiled library may load two copies of this module.
const live: Map<string, StatefulWidget> = ((globalThis as RegistryHolder)[REGISTRY_KEY] ??= new Map());

export function kernelAttached(): boolean {
  return comms.attached;
}

/**
 * Where widgets report what they ignore: the kernel process's own stderr, i.e. the Jupyter server's log.
 * Written to file descriptor 2 directly because the kernel routes process.stderr to the last cell's output,
 * and a stray frontend message is not that cell's business.
 */
export function warn(text: string): void {
  try {
    writeSync(2, `[tensorscope widgets] warning: ${text}\n`);
  } catch {
    // stderr closed: nothing sensible is left to report to
  }
}

/** Opens the comm of a new widget model with its full state. */
export function openWidgetComm(widget: StatefulWidget): Comm {
  ensureControlTarget();
  const { state, bufferPaths, buffers } = splitBuffers(widget.fullState());
  const comm = comms.open(WIDGET_TARGET, { state, buffer_paths: bufferPaths } as JsonObject, {
    metadata: { version: WIDGET_PROTOCOL_VERSION },
    buffers,
    commId: widget.modelId,
  });
  live.set(widget.modelId, widget);
  comm.onClose(() => {
    live.delete(widget.modelId);
  });
  return comm;
}

/** Sends `update` with part (or all) of a widget's state. */
export function sendUpdate(comm: Comm, partial: Record<string, unknown>): void {
  // a throttled send may fire after the kernel has shut its sockets: nothing is listening any more
  if (comm.closed || !comms.attached) return;
  const { state, bufferPaths, buffers } = splitBuffers(partial);
  comm.send({ method: "update", state, buffer_paths: bufferPaths } as JsonObject, { buffers });
}

export function forget(modelId: string): void {
  live.delete(modelId);
}

function ensureControlTarget(): void {
  comms.registerTarget(CONTROL_TARGET, (comm) => {
    comm.onMsg((message) => {
      if (message.data.method === "request_states") comm.send(...allStates());
      else warn(`control comm: ignored a message with unknown method ${JSON.stringify(message.data.method)}`);
    });
  });
}

/**
 * The `update_states` reply: every live model's entry {model_name, model_module, model_module_version,
 * state}; buffer paths start with the model id and then "state", because the widget manager puts buffers
 * back into the whole entry (as ipywidgets' own kernel side lays them out).
 */
function allStates(): [JsonObject, { metadata: JsonObject; buffers: Uint8Array[] }] {
  const states: Record<string, unknown> = {};
  const bufferPaths: (string | number)[][] = [];
  const buffers: Uint8Array[] = [];
  for (const [id, widget] of live) {
    const split = splitBuffers(widget.fullState());
    const { _model_name, _model_module, _model_module_version } = split.state as Record<string, string>;
    states[id] = {
      model_name: _model_name,
      model_module: _model_module,
      model_module_version: _model_module_version,
      state: split.state,
    };
    split.bufferPaths.forEach((path, i) => {
      bufferPaths.push([id, "state", ...path]);
      buffers.push(split.buffers[i]);
    });
  }
  return [
    { method: "update_states", states, buffer_paths: bufferPaths } as JsonObject,
    { metadata: { version: CONTROL_PROTOCOL_VERSION }, buffers },
  ];
}
