// Where the package lives, both when run from source (tsx) and from dist/ (compiled).
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "tensorscope") return dir;
    if (dirname(dir) === dir) throw new Error(`no tensorscope package.json above ${start}`);
  }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
export const PACKAGE_VERSION: string = JSON.parse(
  readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8"),
).version;
/** The compiled CLI; kernelspecs point here so that Jupyter starts the kernel without tsx. */
export const CLI_PATH = join(PACKAGE_ROOT, "dist", "kernel-ext", "cli.js");

/**
 * The project tensorscope serves: the folder whose node_modules holds this package (an installed copy), or this
 * package itself (the repository's own clone).
 */
export function projectRoot(packageRoot = PACKAGE_ROOT): string {
  let dir = dirname(packageRoot);
  if (basename(dir).startsWith("@")) dir = dirname(dir);
  return basename(dir) === "node_modules" ? dirname(dir) : packageRoot;
}

/** The project's Python environment (`.venv` beside its package.json), if it has one. */
export function projectVenv(packageRoot = PACKAGE_ROOT): string | undefined {
  const venv = join(projectRoot(packageRoot), ".venv");
  return existsSync(join(venv, "bin", "python")) || existsSync(join(venv, "Scripts", "python.exe"))
    ? venv
    : undefined;
}
