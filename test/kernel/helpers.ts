// Starting kernels for tests: from source through tsx, so the tests never depend on a stale build.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel-ext/client";
import type { Message } from "../../kernel-ext/wire";

export const ROOT = join(__dirname, "..", "..");
export const CLI_SOURCE = join(ROOT, "kernel-ext", "cli.ts");
export const NOTEBOOKS = join(ROOT, "notebooks");
export const PYTHON = join(ROOT, ".venv", "bin", "python");
/** The installed kernelspec runs the build: tests through Python's Jupyter stack need it and the venv. */
export const NO_PYTHON_KERNEL =
  !existsSync(PYTHON) || !existsSync(join(ROOT, "dist", "kernel-ext", "cli.js"));

/**
 * Installs the kernelspec under a throwaway prefix, runs `body` with the environment in which Python's Jupyter
 * stack finds it (JUPYTER_PATH, kernel banner off), and removes the prefix.
 */
export function withInstalledKernel(name: string, body: (env: NodeJS.ProcessEnv) => void): void {
  const prefix = mkdtempSync(join(tmpdir(), `tensorscope-${name}-`));
  try {
    const install = spawnSync(process.execPath, [
      "--import",
      "tsx",
      CLI_SOURCE,
      "kernel",
      "install",
      "--prefix",
      prefix,
    ]);
    assert.equal(install.status, 0, String(install.stderr));
    body({ ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), TENSORSCOPE_QUIET: "1" });
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
}

export function kernelArgv(): string[] {
  return [
    process.execPath,
    "--import",
    "tsx",
    CLI_SOURCE,
    "kernel",
    "--connection-file",
    "{connection_file}",
  ];
}

export async function startKernel(cwd = NOTEBOOKS): Promise<KernelClient> {
  const client = await KernelClient.start({
    argv: kernelArgv(),
    cwd,
    env: { ...process.env, TENSORSCOPE_QUIET: "1" },
  });
  client.defaultTimeoutMs = 60_000; // a stuck kernel fails the test instead of hanging the run
  return client;
}

export function ofType(exchange: Exchange, msgType: string): Message[] {
  return exchange.iopub.filter((message) => message.header.msg_type === msgType);
}

export function content<T = Record<string, unknown>>(message: Message | undefined): T {
  if (!message) throw new Error("expected a message, got none");
  return message.content as T;
}

export function stdout(exchange: Exchange): string {
  return ofType(exchange, "stream")
    .filter((m) => content<{ name: string }>(m).name === "stdout")
    .map((m) => content<{ text: string }>(m).text)
    .join("");
}

/** The text/plain of the cell's execute_result ("" when there is none). */
export function result(exchange: Exchange): string {
  const [message] = ofType(exchange, "execute_result");
  return message ? content<{ data: { "text/plain": string } }>(message).data["text/plain"] : "";
}
