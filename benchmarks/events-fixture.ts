// The benchmark logdir: RUNS runs x TAGS tags x STEPS steps of scalars written by our SummaryWriter, cached
// under .cache/ so repeated runs do not rewrite 70 MB.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SummaryWriter } from "../src/events/writer";

export const RUNS = 20;
export const TAGS = 4;
export const STEPS = 20_000;

export function benchmarkLogdir(): string {
  const dir = join(__dirname, "..", ".cache", `bench-logdir-${RUNS}x${TAGS}x${STEPS}`);
  const done = join(dir, "COMPLETE");
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (let r = 0; r < RUNS; r++) {
    const writer = new SummaryWriter(join(dir, `run_${String(r).padStart(2, "0")}`));
    for (let step = 0; step < STEPS; step++) {
      for (let t = 0; t < TAGS; t++)
        writer.addScalar(
          `metric_${t}`,
          Math.sin(step / 100 + r + t) + (step % 997 === 0 ? 10 : 0),
          step,
          1.7e9 + step,
        );
    }
    writer.close();
  }
  writeFileSync(done, "");
  return dir;
}
