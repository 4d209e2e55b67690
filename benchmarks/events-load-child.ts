// Child of events-load.bench.ts: loads the logdir once in a fresh process (cold JIT, like a fresh server) and
// prints {"ms", "points", "peakRssMb", "columnBytes"} (columnBytes: what the scalar columns allocate). Usage: events-load-child.ts <logdir> [workers] (default: loadLogdir's own
// choice, one worker per spare core). It loads the built library (dist/, what `npm run build` makes and users
// run): from src/ under tsx, worker threads would first have to compile TypeScript.
import { join } from "node:path";
import type { loadLogdir as LoadLogdir } from "../src/events/logdir";

const built = join(__dirname, "..", "dist", "src", "events", "logdir.js");
const { loadLogdir } = require(built) as { loadLogdir: typeof LoadLogdir };

const workers = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const start = performance.now();
const logdir = loadLogdir(process.argv[2], { workers });
const ms = performance.now() - start;
let points = 0;
let columnBytes = 0;
for (const run of logdir.runs.values())
  for (const series of run.scalars.values()) {
    points += series.values.length;
    for (const column of series.columns()) columnBytes += column.byteLength;
  }
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ms, points, peakRssMb, columnBytes }));
