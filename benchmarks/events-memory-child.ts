// Child of events-memory.bench.ts: loads a logdir with the built library in a fresh process and prints
// {"ms", "points", "images", "imageBytes", "peakRssMb"}; reading one image back proves the offsets work.
import { join } from "node:path";
import type { loadLogdir as LoadLogdir } from "../src/events/logdir";

const built = join(__dirname, "..", "dist", "src", "events", "logdir.js");
const { loadLogdir } = require(built) as { loadLogdir: typeof LoadLogdir };

const start = performance.now();
const logdir = loadLogdir(process.argv[2]);
const ms = performance.now() - start;
let points = 0;
let images = 0;
let firstImageBytes = 0;
for (const run of logdir.runs.values()) {
  for (const series of run.scalars.values()) points += series.length;
  for (const frames of run.images.values())
    for (const frame of frames) {
      images += frame.value.length;
      if (!firstImageBytes) firstImageBytes = frame.value[0].encoded.length;
    }
}
const peakRssMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ ms, points, images, firstImageBytes, peakRssMb }));
