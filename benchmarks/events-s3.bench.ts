// Loading the 1.6 M-point logdir (events-fixture.ts: 20 runs x 4 tags x 20,000 steps) from a local
// S3-compatible server (s3rver on 127.0.0.1, as in the tests) with loadLogdirAsync, against loadLogdir on the
// same files on disk (one thread, and with worker threads), and from S3 one run at a time (concurrency 1, the
// reader before runs were fetched concurrently), alternating in one process. Medians of REPEATS.
// s3rver is a Node process on the same two cores, so the S3 figure includes the server's own work.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { benchmarkLogdir, RUNS, STEPS, TAGS } from "./events-fixture";
import { loadLogdir, type Logdir } from "../src/events/logdir";
import { loadLogdirAsync, type RemoteLogdir } from "../src/events/remote-logdir";
import { S3Store } from "../src/events/s3";
import { startS3 } from "../test/events/s3-server";

const REPEATS = 5;
/** loadLogdirAsync's default concurrency. */
const DEFAULT_RUNS_AT_ONCE = 8;
const EXPECTED = RUNS * TAGS * STEPS;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function points(logdir: Logdir): number {
  let n = 0;
  for (const run of logdir.runs.values()) for (const series of run.scalars.values()) n += series.length;
  if (n !== EXPECTED) throw new Error(`loaded ${n} of ${EXPECTED} points`);
  return n;
}

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) =>
    statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)],
  );

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}, load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  const dir = benchmarkLogdir("legacy");
  const s3 = await startS3();
  try {
    const store = new S3Store(s3.options);
    let bytes = 0;
    for (const file of files(dir).filter((f) => f.includes("tfevents"))) {
      const body = readFileSync(file);
      bytes += body.length;
      await store.write("logs", `bench/${relative(dir, file)}`, body);
    }
    console.log(`logdir: ${EXPECTED} points in ${(bytes / 2 ** 20).toFixed(1)} MiB, uploaded to s3rver`);
    const [remote, serial, oneThread, workers] = [[], [], [], []] as number[][];
    for (let i = 0; i < REPEATS; i++) {
      let start = performance.now();
      const fromS3 = (await loadLogdirAsync("s3://logs/bench", { s3: s3.options })) as RemoteLogdir;
      remote.push((performance.now() - start) / 1000);
      points(fromS3);
      // One run at a time, as remote reads were before runs were fetched concurrently.
      start = performance.now();
      points(await loadLogdirAsync("s3://logs/bench", { s3: s3.options, concurrency: 1 }));
      serial.push((performance.now() - start) / 1000);
      start = performance.now();
      points(loadLogdir(dir, { workers: 0 }));
      oneThread.push((performance.now() - start) / 1000);
      start = performance.now();
      points(loadLogdir(dir));
      workers.push((performance.now() - start) / 1000);
      console.log(
        `repeat ${i + 1}: s3 ${remote[i].toFixed(2)} s (${(fromS3.bytesFetched / 2 ** 20).toFixed(1)} MiB fetched), s3 one run at a time ${serial[i].toFixed(2)} s, disk one thread ${oneThread[i].toFixed(2)} s, disk with workers ${workers[i].toFixed(2)} s`,
      );
    }
    const [r, c, o, w] = [median(remote), median(serial), median(oneThread), median(workers)];
    console.log(
      `medians: s3 ${r.toFixed(2)} s (${DEFAULT_RUNS_AT_ONCE} runs at a time), s3 one run at a time ${c.toFixed(2)} s (${(c / r).toFixed(2)}x slower), disk one thread ${o.toFixed(2)} s (s3/disk ${(r / o).toFixed(2)}x), disk with workers ${w.toFixed(2)} s (${(r / w).toFixed(2)}x)`,
    );
  } finally {
    await s3.close();
  }
}

void main();
