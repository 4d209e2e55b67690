// Loading 20 runs x 4 tags x 20,000 steps (1.6 M scalar points): tensorscope's loadLogdir against TensorBoard's
// Rust data server (tensorboard_data_server 0.7.2 in .venv, --samples-per-plugin scalars=all so it keeps every
// point too), alternating in the same run, each in a fresh process. Medians of REPEATS. loadLogdir is timed
// as users get it (worker threads on the spare cores, as the Rust server uses its thread pool) and on one
// thread (workers: 0). Two logdirs: legacy simple_value scalars, and TF2-style scalar tensors. Memory: each
// process's peak resident set (ours includes Node's own ~50 MB and tsx), and the bytes our columns allocate.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { cpus } from "node:os";
import { RUNS, STEPS, TAGS, benchmarkLogdir, type LogStyle } from "./events-fixture";

const REPEATS = 7;
const PYTHON = join(__dirname, "..", ".venv", "bin", "python");
const EXPECTED = RUNS * TAGS * STEPS;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (xs: number[]): string => `${median(xs).toFixed(2)} s`;
const ratio = (anchor: number[], ours: number[]): string => `${(median(anchor) / median(ours)).toFixed(2)}x`;

interface Load {
  seconds: number;
  peakRssMb: number;
  columnBytes: number;
}

function loadInChild(dir: string, ...workers: string[]): Load {
  const args = ["--import", "tsx", join(__dirname, "events-load-child.ts"), dir, ...workers];
  const child = JSON.parse(execFileSync(process.execPath, args, { encoding: "utf8" })) as Omit<
    Load,
    "seconds"
  > & { ms: number; points: number };
  if (child.points !== EXPECTED) throw new Error(`tensorscope kept ${child.points} of ${EXPECTED} points`);
  return { seconds: child.ms / 1000, peakRssMb: child.peakRssMb, columnBytes: child.columnBytes };
}

function serveWithRust(dir: string): { cycle: number; served: number; peakRssMb: number } {
  const args = [join(__dirname, "rustboard_serve.py"), dir, String(EXPECTED)];
  const rust = JSON.parse(execFileSync(PYTHON, args, { encoding: "utf8" })) as {
    load_cycle_s: number;
    served_s: number;
    points: number;
    peak_rss_mb: number;
  };
  if (rust.points !== EXPECTED)
    throw new Error(`the Rust data server served ${rust.points} of ${EXPECTED} points`);
  return { cycle: rust.load_cycle_s, served: rust.served_s, peakRssMb: rust.peak_rss_mb };
}

function compare(style: LogStyle): void {
  const dir = benchmarkLogdir(style);
  const ours: number[] = [];
  const oneThread: number[] = [];
  const cycle: number[] = [];
  const served: number[] = [];
  const rss = { ours: [] as number[], oneThread: [] as number[], rust: [] as number[] };
  let columnBytes = 0;
  console.log(
    `\n${style} logdir: ${RUNS} runs x ${TAGS} tags x ${STEPS} steps = ${EXPECTED} points, all kept by both`,
  );
  for (let i = 0; i < REPEATS; i++) {
    const load = loadInChild(dir);
    const loadOnOneThread = loadInChild(dir, "0");
    const rust = serveWithRust(dir);
    ours.push(load.seconds);
    oneThread.push(loadOnOneThread.seconds);
    cycle.push(rust.cycle);
    served.push(rust.served);
    rss.ours.push(load.peakRssMb);
    rss.oneThread.push(loadOnOneThread.peakRssMb);
    rss.rust.push(rust.peakRssMb);
    columnBytes = load.columnBytes;
    const line = [ours, oneThread, cycle, served].map((xs) => xs[i].toFixed(2));
    console.log(
      `repeat ${i + 1}: tensorscope ${line[0]} s (one thread ${line[1]} s), rustboard load cycle ${line[2]} s, served ${line[3]} s`,
    );
  }
  console.log(`tensorscope loadLogdir         median ${seconds(ours)}`);
  console.log(`tensorscope, one thread        median ${seconds(oneThread)}`);
  console.log(`rustboard load cycle           median ${seconds(cycle)}  (ratio ${ratio(cycle, ours)})`);
  console.log(`rustboard spawn -> all served  median ${seconds(served)}  (ratio ${ratio(served, ours)})`);
  const faster = ours.filter((t, i) => t < cycle[i]).length;
  console.log(
    `one thread against the load cycle: ratio ${ratio(cycle, oneThread)}; pairs where ours was faster: ${faster}/${REPEATS}`,
  );
  const mb = (xs: number[]): string => `${median(xs).toFixed(0)} MB`;
  console.log(
    `peak RSS medians: tensorscope ${mb(rss.ours)} (one thread ${mb(rss.oneThread)}), rustboard ${mb(rss.rust)}; ` +
      `scalar columns ${(columnBytes / 2 ** 20).toFixed(1)} MB = ${(columnBytes / EXPECTED).toFixed(1)} bytes per point`,
  );
}

console.log(
  `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}`,
);
for (const style of ["legacy", "tf2"] as const) compare(style);
