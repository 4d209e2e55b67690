// `tensorscope setup`, run from a user's project after installing the package: makes the native TensorFlow
// backend load (scripts/build-tfjs-node.sh: the package's own installer, else a binding built from the
// tensorflow-cpu wheel) and links the widgets' JupyterLab extension into the project's .venv. Says what it did.
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { PACKAGE_ROOT, projectVenv } from "./paths";

function resolveFrom(request: string, ...paths: string[]): string | undefined {
  try {
    return require.resolve(request, { paths });
  } catch {
    return undefined;
  }
}

/** node-gyp: the one npm runs this command with, a local install, or the one bundled with npm beside node. */
function nodeGyp(): string | undefined {
  const candidates = [
    process.env.npm_config_node_gyp,
    resolveFrom("node-gyp/bin/node-gyp.js", PACKAGE_ROOT, process.cwd()),
    join(
      dirname(dirname(process.execPath)),
      "lib",
      "node_modules",
      "npm",
      "node_modules",
      "node-gyp",
      "bin",
      "node-gyp.js",
    ),
  ];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

export function cacheDir(): string {
  if (process.env.TENSORSCOPE_CACHE_DIR) return process.env.TENSORSCOPE_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "tensorscope");
}

function nativeBackend(): boolean {
  const manifest = resolveFrom("@tensorflow/tfjs-node/package.json", PACKAGE_ROOT);
  if (!manifest) {
    console.error(
      "tensorscope setup: @tensorflow/tfjs-node is not installed beside tensorscope; reinstall tensorscope.",
    );
    return false;
  }
  const venv = projectVenv();
  const pip = venv && existsSync(join(venv, "bin", "pip")) ? join(venv, "bin", "pip") : undefined;
  const gyp = nodeGyp();
  const run = spawnSync("bash", [join(PACKAGE_ROOT, "scripts", "build-tfjs-node.sh")], {
    stdio: "inherit",
    env: {
      ...process.env,
      TENSORSCOPE_TFJS_NODE_DIR: dirname(manifest),
      TENSORSCOPE_CACHE_DIR: cacheDir(),
      ...(gyp ? { TENSORSCOPE_NODE_GYP: gyp } : {}),
      ...(pip ? { TENSORSCOPE_PIP: pip } : {}),
    },
  });
  if (run.status === 0) {
    console.log(`tensorscope setup: the native backend loads (${dirname(manifest)}).`);
    return true;
  }
  console.error(
    "tensorscope setup: the native backend could not be made to load; tensorscope still works on the wasm " +
      "and cpu backends, more slowly.",
  );
  return false;
}

/** Links the widgets' prebuilt JupyterLab extension into the project's .venv, where its JupyterLab finds it. */
function widgetsExtension(): void {
  const built = join(PACKAGE_ROOT, "widgets", "labextension");
  const venv = projectVenv();
  if (!existsSync(join(built, "package.json"))) {
    // An install from git: `prepare` compiles the library, but building the extension needs JupyterLab.
    console.log(
      "tensorscope setup: this install has no widgets' JupyterLab extension (a git install does not build it); " +
        "the widgets render in JupyterLab once it is installed there, from a tarball made by `npm pack`.",
    );
    return;
  }
  if (!venv) {
    console.log(
      "tensorscope setup: no .venv in this project, so the widgets' JupyterLab extension was not linked " +
        `(link ${built} as <env>/share/jupyter/labextensions/tensorscope-widgets by hand).`,
    );
    return;
  }
  const target = join(venv, "share", "jupyter", "labextensions", "tensorscope-widgets");
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target) || isLink(target)) rmSync(target, { recursive: true, force: true });
  symlinkSync(built, target, "dir");
  console.log(`tensorscope setup: linked the widgets' JupyterLab extension as ${target}.`);
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

export function setupCommand(args: string[]): number {
  if (args.length > 0) throw new Error(`setup takes no arguments, got ${args.join(" ")}`);
  const native = nativeBackend();
  widgetsExtension();
  return native ? 0 : 1;
}
