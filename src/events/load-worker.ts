// Worker thread of parallel-load.ts: takes runs from the shared counter until none are left, posting each one
// read (or the error that stopped it, so that the main thread reads that run itself) to the main thread.
import { workerData } from "node:worker_threads";
import { NEXT_RUN, RUNS_POSTED, type WorkerInput } from "./parallel-load";
import { RunReader } from "./run-reader";
import { packRun } from "./run-transfer";

const { jobs, sync, port } = workerData as WorkerInput;

function post(index: number): void {
  try {
    const { packed, transfer } = packRun(
      RunReader.load(jobs[index].name, jobs[index].files, jobs[index].options),
    );
    port.postMessage({ index, packed }, transfer);
  } catch (error) {
    port.postMessage({ index, error: String(error) });
  }
  Atomics.add(sync, RUNS_POSTED, 1);
  Atomics.notify(sync, RUNS_POSTED);
}

for (let index = Atomics.add(sync, NEXT_RUN, 1); index < jobs.length; index = Atomics.add(sync, NEXT_RUN, 1))
  post(index);
port.close();
