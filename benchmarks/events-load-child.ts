// Child of events-load.bench.ts: loads the logdir once in a fresh process (cold JIT, like a fresh server) and
// prints {"ms": ..., "points": ...}.
import { loadLogdir } from "../src/events/logdir";

const start = performance.now();
const logdir = loadLogdir(process.argv[2]);
const ms = performance.now() - start;
let points = 0;
for (const run of logdir.runs.values())
  for (const series of run.scalars.values()) points += series.values.length;
console.log(JSON.stringify({ ms, points }));
