// Child process for sigkill.test.ts. Usage: child-writer.ts <logdir> <flushSecs> [exit|signal]
// Default: logs scalars every millisecond and reports "<steps logged> <bytes of event files on disk>" every 50 ms
// until it is killed (the parent tells from the bytes when a timed flush has happened, without reading a clock).
// "exit": logs 1000 scalars and calls process.exit() without close(), which the exit hook must flush.
// "signal": logs 1000 scalars, says "ready" and waits to be killed (SIGTERM/SIGINT must flush them).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { SummaryWriter } from "../../src/events/writer";

const [logdir, flushSecs, mode] = process.argv.slice(2);
const writer = new SummaryWriter(logdir, { flushSecs: Number(flushSecs) });
if (mode === "exit") {
  for (let step = 0; step < 1000; step++) writer.addScalar("x", step * 0.5, step);
  process.exit(0);
} else if (mode === "signal") {
  for (let step = 0; step < 1000; step++) writer.addScalar("x", step * 0.5, step);
  process.stdout.write("ready\n");
  setInterval(() => undefined, 1000);
} else {
  let step = 0;
  setInterval(() => {
    for (let i = 0; i < 20; i++) writer.addScalar("x", step * 0.5, step++);
  }, 1);
  const bytesOnDisk = (): number =>
    readdirSync(logdir).reduce((sum, name) => sum + statSync(join(logdir, name)).size, 0);
  setInterval(() => process.stdout.write(`${step} ${bytesOnDisk()}\n`), 50);
}
