// The TypeScript side of the kernel, in a worker thread: tslab's converter (type check + emit, declarations of
// earlier cells carried over), completion, inspection and is_complete. Off the main thread, the kernel answers
// kernel_info while TypeScript starts, and the cell's imports load while the cell is checked.
import { writeSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import type { Converter } from "tslab/dist/converter";
import { KERNEL_GLOBALS, type CheckRequest, type CheckResponse } from "./typecheck";

const { createConverter, isCompleteCode } =
  require("tslab/dist/converter") as typeof import("tslab/dist/converter");
const { getCodeMetadata } = require("tslab/dist/metadata") as typeof import("tslab/dist/metadata");
const { printQuickInfo } = require("tslab/dist/inspect") as typeof import("tslab/dist/inspect");

const converters: { node?: Converter; browser?: Converter } = {};

function converter(mode: "node" | "browser" = "node"): Converter {
  return (converters[mode] ??= createConverter({ isJS: false, isBrowser: mode === "browser" }));
}

function modeOf(src: string): "node" | "browser" {
  return getCodeMetadata(src).mode === "browser" ? "browser" : "node";
}

function answer(request: CheckRequest): unknown {
  switch (request.op) {
    case "warm": {
      const conv = converter();
      // Parsing a package's declarations is most of a first import's check; TypeScript's watch host keeps the
      // parsed files, so the real cell reuses them. The warm-up cell itself is thrown away.
      for (const specifier of request.specifiers)
        conv.convert("", `import type * as __warm from "${specifier}";`);
      return null;
    }
    case "convert": {
      const meta = getCodeMetadata(request.src);
      if (meta.module) {
        const conv = converter(meta.mode === "browser" ? "browser" : "node");
        return { kind: "module", diagnostics: conv.addModule(meta.module, request.src, meta) };
      }
      if (meta.mode === "browser") return { kind: "skipped" };
      return { kind: "converted", ...converter().convert(KERNEL_GLOBALS + request.prevDecl, request.src) };
    }
    case "inspect": {
      const info = converter(modeOf(request.src)).inspect(
        KERNEL_GLOBALS + request.prevDecl,
        request.src,
        request.position,
      );
      return info ? printQuickInfo(info) : null;
    }
    case "complete": {
      const { start, end, candidates } = converter(modeOf(request.src)).complete(
        KERNEL_GLOBALS + request.prevDecl,
        request.src,
        request.position,
      );
      return { start, end, candidates };
    }
    case "isComplete":
      return isCompleteCode(request.src);
  }
}

// TENSORSCOPE_TIMING=1: how long each request took, on the kernel process's own stderr (the server log).
const timing = process.env.TENSORSCOPE_TIMING === "1";

parentPort?.on("message", (request: CheckRequest) => {
  let response: CheckResponse;
  const started = performance.now();
  try {
    response = { id: request.id, value: answer(request) };
    if (timing)
      writeSync(2, `[tensorscope kernel] ${request.op}: ${(performance.now() - started).toFixed(0)} ms\n`);
  } catch (error) {
    response = { id: request.id, error: String((error as Error)?.stack ?? error) };
  }
  // Strip what structured clone cannot carry (functions, TypeScript nodes in `original`).
  parentPort?.postMessage(JSON.parse(JSON.stringify(response)) as CheckResponse);
});
