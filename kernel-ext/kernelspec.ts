// Kernelspecs (kernels/<name>/kernel.json under a Jupyter data directory), written the way `tslab install` and
// jupyter_client lay them out, but pointing at this package's compiled CLI with an absolute node path.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";
import { CLI_PATH, PACKAGE_VERSION, projectVenv } from "./paths";

export const KERNEL_NAME = "tensorscope";
export const DISPLAY_NAME = "TypeScript (tensorscope)";

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode?: string;
  env?: Record<string, string>;
  metadata?: Record<string, unknown>;
}

export type InstallLocation = { user: true } | { sysPrefix: true; python?: string } | { prefix: string };

export function kernelSpec(): KernelSpec {
  return {
    argv: [process.execPath, CLI_PATH, "kernel", "--connection-file", "{connection_file}"],
    display_name: DISPLAY_NAME,
    language: "typescript",
    interrupt_mode: "signal",
    metadata: { tensorscope_version: PACKAGE_VERSION },
  };
}

/**
 * Where `kernel install` puts the kernelspec when no location is given: the project's .venv (so that the
 * Jupyter of that environment runs the project's own tensorscope), else the user's Jupyter data directory.
 */
export function defaultLocation(): InstallLocation {
  const venv = projectVenv();
  return venv ? { prefix: venv } : { user: true };
}

/** jupyter_core's per-user data directory. */
export function userDataDir(): string {
  if (process.env.JUPYTER_DATA_DIR) return process.env.JUPYTER_DATA_DIR;
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env.APPDATA ?? homedir(), "jupyter");
  return join(process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share"), "jupyter");
}

function sysPrefix(python = "python3"): string {
  const fromEnv = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX;
  if (fromEnv) return fromEnv;
  const run = spawnSync(python, ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" });
  if (run.status !== 0) {
    throw new Error(
      `--sys-prefix needs an active virtualenv/conda env or a working ${python}: ${run.stderr}`,
    );
  }
  return run.stdout.trim();
}

export function kernelsDir(location: InstallLocation): string {
  if ("prefix" in location) return join(location.prefix, "share", "jupyter", "kernels");
  if ("sysPrefix" in location) return join(sysPrefix(location.python), "share", "jupyter", "kernels");
  return join(userDataDir(), "kernels");
}

export function installKernelSpec(location: InstallLocation, name = KERNEL_NAME): string {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first`);
  const dir = join(kernelsDir(location), name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec(), null, 2) + "\n");
  return dir;
}

/** Removes the kernelspec; returns the directory removed, or undefined when there was none. */
export function uninstallKernelSpec(location: InstallLocation, name = KERNEL_NAME): string | undefined {
  const dir = join(kernelsDir(location), name);
  if (!existsSync(join(dir, "kernel.json"))) return undefined;
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

/**
 * The kernel directories Jupyter searches, in its order (JUPYTER_PATH, user, env, system), with the project's
 * .venv as the env when none is active (where `kernel install` puts the kernel by default).
 */
export function kernelSearchPath(): string[] {
  const fromEnv = (process.env.JUPYTER_PATH ?? "").split(delimiter).filter(Boolean);
  const env = process.env.VIRTUAL_ENV ?? process.env.CONDA_PREFIX ?? projectVenv();
  const dataDirs = [...fromEnv, userDataDir(), ...(env ? [join(env, "share", "jupyter")] : [])];
  dataDirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  return dataDirs.map((dir) => join(dir, "kernels"));
}

export function findKernelSpec(name: string): KernelSpec {
  const searched = kernelSearchPath();
  for (const dir of searched) {
    const file = join(dir, name, "kernel.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as KernelSpec;
  }
  throw new Error(`no kernel named "${name}": searched ${searched.join(", ")}`);
}
