// Starts a throwaway JupyterLab from the project's .venv on 127.0.0.1 (free port, random token, its own
// config/runtime/settings/workspace dirs, no network checks) and stops it by its own process id.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(__dirname, "..", "..");
export const VENV = join(ROOT, ".venv");

export interface RunningLab {
  baseUrl: string;
  token: string;
  /** Everything the server printed, for diagnostics and for kernel-log assertions. */
  log: () => string;
  stop: () => Promise<void>;
  /** Extra data dir on JUPYTER_PATH (kernelspecs go in its kernels/). */
  dataDir: string;
}

export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? ok(address.port) : fail(new Error("no port")),
      );
    });
  });
}

function isolatedDirs(): { home: string; dataDir: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), "tensorscope-lab-"));
  const dataDir = join(home, "data");
  const settings = join(home, "settings");
  // Render every cell (no windowing) so off-screen widgets exist in the DOM for assertions and screenshots.
  mkdirSync(join(settings, "@jupyterlab", "notebook-extension"), { recursive: true });
  writeFileSync(
    join(settings, "@jupyterlab", "notebook-extension", "tracker.jupyterlab-settings"),
    JSON.stringify({ windowingMode: "none" }),
  );
  mkdirSync(join(dataDir, "kernels"), { recursive: true });
  // JupyterLab 4.6.4's debugger calls displayModules() after every execute_reply and throws "No active
  // debugger session" in the page for kernels without debugger support (ours): not under test, so it is off.
  // Its news popup is off too (it would only cover widgets in screenshots).
  mkdirSync(join(home, "config", "labconfig"), { recursive: true });
  writeFileSync(
    join(home, "config", "labconfig", "page_config.json"),
    JSON.stringify({ disabledExtensions: { "@jupyterlab/debugger-extension": true } }),
  );
  mkdirSync(join(settings, "@jupyterlab", "apputils-extension"), { recursive: true });
  writeFileSync(
    join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
    JSON.stringify({ fetchNews: "false" }),
  );
  return {
    home,
    dataDir,
    env: {
      JUPYTER_PATH: dataDir,
      JUPYTER_CONFIG_DIR: join(home, "config"),
      JUPYTER_RUNTIME_DIR: join(home, "runtime"),
      JUPYTERLAB_SETTINGS_DIR: settings,
      JUPYTERLAB_WORKSPACES_DIR: join(home, "workspaces"),
      JUPYTER_PLATFORM_DIRS: "1",
    },
  };
}

export async function startJupyterLab(
  options: { beforeStart?: (dataDir: string) => void; timeoutMs?: number } = {},
): Promise<RunningLab> {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const { home, dataDir, env } = isolatedDirs();
  options.beforeStart?.(dataDir);
  const args = [
    "-m",
    "jupyterlab",
    "--no-browser",
    "--ip=127.0.0.1",
    `--port=${port}`,
    "--port-retries=0",
    `--IdentityProvider.token=${token}`,
    `--ServerApp.root_dir=${ROOT}`,
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
    "--expose-app-in-browser",
    "--allow-root",
  ];
  const child = spawn(join(VENV, "bin", "python"), args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PATH: `${join(VENV, "bin")}:${process.env.PATH}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child).finally(() => rmSync(home, { recursive: true, force: true }));
  try {
    await waitForServer(baseUrl, token, child, () => output, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl, token, log: () => output, stop, dataDir };
}

async function waitForServer(
  baseUrl: string,
  token: string,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited (${child.exitCode}):\n${log()}`);
    try {
      const response = await fetch(`${baseUrl}/api/status?token=${token}`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`JupyterLab did not answer within ${timeoutMs} ms:\n${log()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
