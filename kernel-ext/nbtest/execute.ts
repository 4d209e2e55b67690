// Runs a notebook's code cells in order on a kernel and rebuilds their outputs as a notebook client would
// (streams merged, display updates applied by display id, clear_output honoured).
import { TimeoutError, type KernelClient } from "../client";
import type { Message } from "../wire";
import { joinText, tags, type Notebook, type Output } from "./notebook";

export type CellStatus = "ok" | "error" | "timeout" | "not-run";

export interface CellRun {
  index: number;
  status: CellStatus;
  outputs: Output[];
  executionCount: number | null;
  /** Why the cell did not run to completion (timeouts, a dead kernel). */
  reason?: string;
  /** Wall-clock time from sending the cell to its end (0 for cells not run). */
  seconds: number;
}

export const SKIP_TAGS = ["skip", "nbval-skip"];

/** Output routing by display id spans cells: an update may change an earlier cell's output. */
class OutputCollector {
  private readonly byDisplayId = new Map<string, Output[]>();

  collect(messages: Message[]): Output[] {
    let outputs: Output[] = [];
    let clearPending = false;
    const add = (output: Output) => {
      if (clearPending) outputs = [];
      clearPending = false;
      const last = outputs.at(-1);
      if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
        last.text = joinText(last.text) + joinText(output.text);
      } else outputs.push(output);
    };
    for (const { header, content } of messages) {
      const c = content as Record<string, never>;
      switch (header.msg_type) {
        case "stream":
          add({ output_type: "stream", name: c.name, text: c.text });
          break;
        case "display_data":
        case "execute_result":
          add(this.displayOutput(header.msg_type, c));
          break;
        case "update_display_data":
          this.update(c);
          break;
        case "error":
          add({ output_type: "error", ename: c.ename, evalue: c.evalue, traceback: c.traceback });
          break;
        case "clear_output":
          if ((c as { wait?: boolean }).wait) clearPending = true;
          else outputs = [];
      }
    }
    return outputs;
  }

  private displayOutput(type: "display_data" | "execute_result", c: Record<string, never>): Output {
    const output: Output = { output_type: type, data: c.data, metadata: c.metadata ?? {} };
    if (type === "execute_result") output.execution_count = c.execution_count;
    const id = (c.transient as { display_id?: string } | undefined)?.display_id;
    if (id) this.byDisplayId.set(id, [...(this.byDisplayId.get(id) ?? []), output]);
    return output;
  }

  private update(c: Record<string, never>): void {
    const id = (c.transient as { display_id?: string } | undefined)?.display_id;
    for (const output of this.byDisplayId.get(id ?? "") ?? []) {
      output.data = c.data;
      output.metadata = c.metadata ?? {};
    }
  }
}

export async function executeNotebook(
  client: KernelClient,
  notebook: Notebook,
  timeoutMs: number,
): Promise<CellRun[]> {
  await untilWarm(client);
  const collector = new OutputCollector();
  const runs: CellRun[] = [];
  let stopped: string | undefined;
  for (const [index, cell] of notebook.cells.entries()) {
    if (cell.cell_type !== "code" || SKIP_TAGS.some((tag) => tags(cell).has(tag))) continue;
    if (stopped) {
      runs.push({ index, status: "not-run", outputs: [], executionCount: null, reason: stopped, seconds: 0 });
      continue;
    }
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const exchange = await client.execute(joinText(cell.source), { timeoutMs });
      const reply = exchange.reply?.content as { status?: string; execution_count?: number };
      runs.push({
        index,
        status: reply?.status === "ok" ? "ok" : "error",
        outputs: collector.collect(exchange.iopub),
        executionCount: reply?.execution_count ?? null,
        seconds: seconds(),
      });
    } catch (error) {
      const elapsed = seconds();
      const reason = await recover(client, error as Error, timeoutMs);
      runs.push({
        index,
        status: error instanceof TimeoutError ? "timeout" : "error",
        outputs: [],
        executionCount: null,
        reason,
        seconds: elapsed,
      });
      if (!(await kernelAlive(client))) stopped = `not run: the kernel died in cell ${index + 1}`;
    }
  }
  return runs;
}

/**
 * Waits for the kernel to finish starting before any cell's clock starts, as nbclient's start-up timeout does:
 * an empty silent cell goes through our kernel's TypeScript worker, which answers only once TypeScript has
 * loaded (seconds on a quiet machine, a minute at load 20). Without it, `--timeout` would measure the machine.
 */
async function untilWarm(client: KernelClient): Promise<void> {
  await client.execute("", { silent: true, timeoutMs: WARM_MS });
}

/** As long as `KernelClient.start` waits for a kernel's first answer. */
const WARM_MS = 180_000;

/** How long a live kernel may take to answer a control message on a loaded machine. */
const ANSWER_MS = 60_000;

/** After a timeout, interrupt and wait for the cell to end; describes what happened. */
async function recover(client: KernelClient, error: Error, timeoutMs: number): Promise<string> {
  if (!(error instanceof TimeoutError)) return error.message;
  const seconds = timeoutMs / 1000;
  // The kernel gets as long to answer the interrupt as a cell gets to run (at least a minute): a loaded machine
  // can take many seconds to deliver a signal and run the kernel's handler, and killing a kernel that was about
  // to answer would fail every later cell of the notebook.
  const answerMs = Math.max(timeoutMs, ANSWER_MS);
  // Repeated like a user pressing interrupt again: a signal that lands before the cell starts running is lost.
  client.interrupt();
  const repeat = setInterval(() => client.interrupt(), 1000);
  const ended = await client
    .waitForIopub(
      (m) =>
        m.parent.msg_id === error.msgId &&
        (m.content as { execution_state?: string }).execution_state === "idle",
      answerMs,
    )
    .then(() => true)
    .catch(() => false)
    .finally(() => clearInterval(repeat));
  if (ended) return `cell did not finish within ${seconds} s (--timeout); it was interrupted`;
  await client.kill();
  return `cell did not finish within ${seconds} s (--timeout) and ignored the interrupt; the kernel was stopped`;
}

async function kernelAlive(client: KernelClient): Promise<boolean> {
  if (client.process.exitCode !== null || client.process.signalCode !== null) return false;
  return client
    .request("kernel_info_request", {}, { timeoutMs: ANSWER_MS })
    .then(() => true)
    .catch(() => false);
}
