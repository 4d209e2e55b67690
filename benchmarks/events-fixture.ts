// The benchmark logdirs: RUNS runs x TAGS tags x STEPS steps of scalars, cached under .cache/ so repeated runs
// do not rewrite 70 MB. "legacy": simple_value scalars written by our SummaryWriter (as PyTorch, tensorboardX and
// tfjs-node log them). "tf2": one-number float tensors with the scalars plugin named on every value, as
// tf.summary.scalar and PyTorch's new_style log them.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SummaryWriter } from "../src/events/writer";
import { frameRecord } from "../src/events/record";
import { DT, EventProto } from "../src/events/schema";

export const RUNS = 20;
export const TAGS = 4;
export const STEPS = 20_000;
export type LogStyle = "legacy" | "tf2";

const valueAt = (run: number, tag: number, step: number): number =>
  Math.sin(step / 100 + run + tag) + (step % 997 === 0 ? 10 : 0);

function writeLegacyRun(dir: string, run: number): void {
  const writer = new SummaryWriter(dir);
  for (let step = 0; step < STEPS; step++)
    for (let t = 0; t < TAGS; t++) writer.addScalar(`metric_${t}`, valueAt(run, t, step), step, 1.7e9 + step);
  writer.close();
}

function writeTf2Run(dir: string, run: number): void {
  mkdirSync(dir, { recursive: true });
  const records: Buffer[] = [
    frameRecord(EventProto.encode({ wall_time: 1.7e9, file_version: "brain.Event:2" }).finish()),
  ];
  const metadata = { plugin_data: { plugin_name: "scalars" }, data_class: 1 };
  for (let step = 0; step < STEPS; step++) {
    for (let t = 0; t < TAGS; t++) {
      const content = Buffer.alloc(4);
      content.writeFloatLE(valueAt(run, t, step));
      const tensor = { dtype: DT.FLOAT, tensor_shape: {}, tensor_content: content };
      const summary = { value: [{ tag: `metric_${t}`, metadata, tensor }] };
      records.push(frameRecord(EventProto.encode({ wall_time: 1.7e9 + step, step, summary }).finish()));
    }
  }
  writeFileSync(join(dir, `events.out.tfevents.1700000000.bench.${run}.v2`), Buffer.concat(records));
}

export function benchmarkLogdir(style: LogStyle = "legacy"): string {
  const suffix = style === "legacy" ? "" : `-${style}`;
  const dir = join(__dirname, "..", ".cache", `bench-logdir-${RUNS}x${TAGS}x${STEPS}${suffix}`);
  const done = join(dir, "COMPLETE");
  if (existsSync(done)) return dir;
  rmSync(dir, { recursive: true, force: true });
  for (let r = 0; r < RUNS; r++) {
    const runDir = join(dir, `run_${String(r).padStart(2, "0")}`);
    if (style === "legacy") writeLegacyRun(runDir, r);
    else writeTf2Run(runDir, r);
  }
  writeFileSync(done, "");
  return dir;
}
