// `require` for cells: Node's, resolved from the notebook's folder, plus the `.ts` files a cell imports (compiled
// by the converter into side outputs) and `tslab` itself (for `tslab.display`).
import Module, { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";

export interface SideModules {
  /** Compiled JavaScript of local .ts files, by absolute .js path. */
  sources: Map<string, string>;
  loaded: Map<string, Module>;
}

type ModuleInternals = Module & { _compile(source: string, filename: string): void };
const nodeModulePaths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths;

export function cellRequire(dir: string, side: SideModules): NodeJS.Require {
  const base = createRequire(join(dir, "__cell__.js"));
  const fromSideOutputs = (id: string): Module | undefined => {
    let file = join(dir, id);
    if (extname(file) === "") file += ".js";
    const cached = side.loaded.get(file);
    if (cached) return cached;
    const source = side.sources.get(file);
    if (source === undefined) return undefined;
    const mod = new Module(file, module) as ModuleInternals;
    mod.filename = file;
    mod.paths = nodeModulePaths(dirname(file));
    mod.require = cellRequire(dirname(file), side);
    side.loaded.set(file, mod);
    mod._compile(source, file);
    return mod;
  };
  const wrapped = ((id: string) => {
    if (id === "tslab") return require("tslab") as unknown;
    if (id.startsWith(".")) {
      const mod = fromSideOutputs(id);
      if (mod) return mod.exports as unknown;
    }
    return base(id) as unknown;
  }) as NodeJS.Require;
  return Object.assign(wrapped, {
    resolve: base.resolve,
    cache: base.cache,
    main: base.main,
    extensions: base.extensions,
  });
}

// `import ... from "pkg"`, `import "pkg"`, `require("pkg")` with a package name (not a relative path).
const PACKAGE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([@a-zA-Z][^"']*)["']/g;

/**
 * Loads the packages a cell imports, so that their load overlaps the cell's type check in the worker. A package
 * that fails to load is left for the cell to report. (A cell with a type error thus still loads its packages,
 * as `import` in a REPL line would.)
 */
export function preloadPackages(code: string, req: NodeJS.Require): void {
  const valueImports = code.replace(/^\s*(?:import|export)\s+type\b.*$/gm, "");
  for (const [, specifier] of valueImports.matchAll(PACKAGE_IMPORT)) {
    if (specifier === "tslab") continue;
    try {
      req(specifier);
    } catch {
      // reported by the cell itself when it runs
    }
  }
}

/**
 * Loads TensorFlow.js and its native backend ahead of the first cell, as tensorscope would load them (from its
 * own folder, tfjs first): they are most of a first `import "tensorscope"` (~1 s idle, several under load), and
 * the kernel is idle between its TypeScript warm-up and the first cell a person runs. Only where tensorscope is
 * installed, not when TENSORSCOPE_BACKEND names another backend, and never when TENSORSCOPE_PRELOAD=0. Nothing
 * is printed: tensorscope's own backend line still comes with its import, in the cell.
 */
export function preloadTensorflow(req: NodeJS.Require): string[] {
  if (process.env.TENSORSCOPE_PRELOAD === "0") return [];
  let fromTensorscope: NodeJS.Require;
  try {
    fromTensorscope = createRequire(req.resolve("tensorscope"));
  } catch {
    return [];
  }
  const backend = process.env.TENSORSCOPE_BACKEND;
  const native = backend === undefined || backend === "" || backend === "node";
  const packages = ["@tensorflow/tfjs", ...(native ? ["@tensorflow/tfjs-node"] : [])];
  // As tensorscope's backend selection does: the native library prints start-up lines unless told otherwise.
  process.env.TF_CPP_MIN_LOG_LEVEL ??= "2";
  return packages.filter((specifier) => {
    try {
      fromTensorscope(specifier);
      return true;
    } catch {
      return false; // tensorscope reports it (and picks another backend) when the cell imports it
    }
  });
}
