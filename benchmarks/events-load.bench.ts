// Loading 20 runs x 4 tags x 20,000 steps (1.6 M scalar points): tensorscope's loadLogdir against TensorBoard's
// Rust data server (tensorboard_data_server 0.7.2 in .venv, --samples-per-plugin scalars=all so it keeps every
// point too), alternating in the same run, each in a fresh process. Medians of REPEATS. loadLogdir is timed
// as users get it (worker threads on the spare cores, as the Rust server uses its thread pool) and on one
// thread (workers: 0).
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { cpus } from "node:os";
import { RUNS, STEPS, TAGS, benchmarkLogdir } from "./events-fixture";

const REPEATS = 7;
const PYTHON = join(__dirname, "..", ".venv", "bin", "python");
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = benchmarkLogdir();
const expected = RUNS * TAGS * STEPS;
const ours: number[] = [];
const oursOneThread: number[] = [];
const rustCycle: number[] = [];
const rustServed: number[] = [];
function loadInChild(...workers: string[]): number {
  const child = JSON.parse(
    execFileSync(
      process.execPath,
      ["--import", "tsx", join(__dirname, "events-load-child.ts"), dir, ...workers],
      {
        encoding: "utf8",
      },
    ),
  ) as { ms: number; points: number };
  if (child.points !== expected) throw new Error(`tensorscope kept ${child.points} of ${expected} points`);
  return child.ms / 1000;
}

for (let i = 0; i < REPEATS; i++) {
  ours.push(loadInChild());
  oursOneThread.push(loadInChild("0"));
  const rust = JSON.parse(
    execFileSync(PYTHON, [join(__dirname, "rustboard_serve.py"), dir, String(expected)], {
      encoding: "utf8",
    }),
  ) as {
    load_cycle_s: number;
    served_s: number;
    points: number;
  };
  if (rust.points !== expected)
    throw new Error(`the Rust data server served ${rust.points} of ${expected} points`);
  rustCycle.push(rust.load_cycle_s);
  rustServed.push(rust.served_s);
  console.log(
    `repeat ${i + 1}: tensorscope ${ours[i].toFixed(2)} s (one thread ${oursOneThread[i].toFixed(2)} s), rustboard load cycle ${rust.load_cycle_s.toFixed(2)} s, served ${rust.served_s.toFixed(2)} s`,
  );
}
console.log(
  `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}`,
);
console.log(
  `logdir: ${RUNS} runs x ${TAGS} tags x ${STEPS} steps = ${expected} points, every point kept by both`,
);
console.log(`tensorscope loadLogdir         median ${median(ours).toFixed(2)} s`);
console.log(`tensorscope, one thread        median ${median(oursOneThread).toFixed(2)} s`);
console.log(
  `rustboard load cycle           median ${median(rustCycle).toFixed(2)} s  (ratio ${(median(rustCycle) / median(ours)).toFixed(2)}x)`,
);
console.log(
  `rustboard spawn -> all served  median ${median(rustServed).toFixed(2)} s  (ratio ${(median(rustServed) / median(ours)).toFixed(2)}x)`,
);
console.log(
  `one thread against the load cycle: ratio ${(median(rustCycle) / median(oursOneThread)).toFixed(2)}x; pairs where ours was faster: ${ours.filter((t, i) => t < rustCycle[i]).length}/${REPEATS}`,
);
