// Starting kernels for tests: from source through tsx, so the tests never depend on a stale build.
import { join } from "node:path";
import { KernelClient, type Exchange } from "../../kernel-ext/client";
import type { Message } from "../../kernel-ext/wire";

export const ROOT = join(__dirname, "..", "..");
export const CLI_SOURCE = join(ROOT, "kernel-ext", "cli.ts");
export const NOTEBOOKS = join(ROOT, "notebooks");

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
