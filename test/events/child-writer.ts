// Child process for sigkill.test.ts: logs a scalar every millisecond and reports its count every 50 ms until it
// is killed. Usage: child-writer.ts <logdir> <flushSecs>
import { SummaryWriter } from "../../src/events/writer";

const [logdir, flushSecs] = process.argv.slice(2);
const writer = new SummaryWriter(logdir, { flushSecs: Number(flushSecs) });
let step = 0;
setInterval(() => {
  for (let i = 0; i < 20; i++) writer.addScalar("x", step * 0.5, step++);
}, 1);
setInterval(() => process.stdout.write(`${step}\n`), 50);
