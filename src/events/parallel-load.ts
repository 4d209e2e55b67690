// Loading many runs on every core. Runs go to whichever thread is free next through a shared counter, so the
// main thread starts at once and worker threads join as they come up (~75 ms each); if a worker never starts
// or fails on a run, the main thread reads what is left itself. The main thread blocks (Atomics.wait) until
// the workers' runs arrive, which keeps loadLogdir synchronous.
import { availableParallelism } from "node:os";
import { extname, join } from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from "node:worker_threads";
import { RunReader, type ReadOptions } from "./run-reader";
import { unpackRun, type PackedRun } from "./run-transfer";

/** Slots of the shared Int32Array that coordinates the threads. */
export const NEXT_RUN = 0;
export const RUNS_POSTED = 1;

export interface RunJob {
  name: string;
  files: string[];
  options?: ReadOptions;
}

/** What a worker posts for each run it took: the run, or why it could not read it. */
export type WorkerReply = { index: number; packed: PackedRun } | { index: number; error: string };

export interface WorkerInput {
  jobs: RunJob[];
  sync: Int32Array;
  port: MessagePort;
}

/** If workers stop posting for this long, the main thread reads their unfinished runs itself. */
const STALL_MS = 60_000;

/** Worker threads worth starting for `jobs` runs: one per spare core, none for a single run. */
export function workersFor(jobs: number, requested?: number): number {
  const spare = requested ?? Math.min(availableParallelism() - 1, 3);
  return Math.max(0, Math.min(spare, jobs - 1));
}

function startWorker(input: WorkerInput): Worker {
  const file = join(__dirname, `load-worker${extname(__filename)}`);
  const options = { workerData: input, transferList: [input.port] };
  // Under tsx (tests) a worker does not inherit the TypeScript loader: register it first. Built JavaScript
  // needs no loader, so the parent's flags (e.g. `--import tsx`, which starts a loader thread) are not passed on.
  const worker =
    extname(__filename) === ".ts"
      ? new Worker(`require("tsx/cjs/api").register(); require(${JSON.stringify(file)});`, {
          ...options,
          eval: true,
        })
      : new Worker(file, { ...options, execArgv: [] });
  worker.unref();
  worker.on("error", () => undefined); // a failed worker's runs are read by the main thread
  return worker;
}

/**
 * Reads every job's run, `workers` worker threads helping the main thread. Results are in job order.
 * `mainThreadReads: false` leaves every run to the workers (tests use it to exercise the worker path surely).
 */
export function loadRunsInParallel(jobs: RunJob[], workers: number, mainThreadReads = true): RunReader[] {
  const sync = new Int32Array(new SharedArrayBuffer(8));
  const channels = Array.from({ length: workers }, () => new MessageChannel());
  const threads = channels.map(({ port2 }) => startWorker({ jobs, sync, port: port2 }));
  const results = new Array<RunReader | undefined>(jobs.length);
  const load = (index: number): void => {
    results[index] = RunReader.load(jobs[index].name, jobs[index].files, jobs[index].options);
  };
  const ports = channels.map(({ port1 }) => port1);
  try {
    if (mainThreadReads)
      for (let i = Atomics.add(sync, NEXT_RUN, 1); i < jobs.length; i = Atomics.add(sync, NEXT_RUN, 1))
        load(i);
    collectReplies(ports, sync, results, load);
  } finally {
    for (const thread of threads) void thread.terminate();
    for (const port of ports) port.close();
  }
  return results as RunReader[];
}

/** Blocks until every run taken by a worker has arrived (or was read here after a failure or a stall). */
function collectReplies(
  ports: MessagePort[],
  sync: Int32Array,
  results: (RunReader | undefined)[],
  load: (index: number) => void,
): void {
  const missing = (): boolean => results.includes(undefined);
  while (missing()) {
    const posted = Atomics.load(sync, RUNS_POSTED);
    for (const port of ports)
      for (let reply = receiveMessageOnPort(port); reply; reply = receiveMessageOnPort(port)) {
        const message = reply.message as WorkerReply;
        if ("packed" in message) results[message.index] = unpackRun(message.packed);
        else load(message.index);
      }
    if (missing() && Atomics.wait(sync, RUNS_POSTED, posted, STALL_MS) === "timed-out")
      results.forEach((run, index) => run ?? load(index));
  }
}
