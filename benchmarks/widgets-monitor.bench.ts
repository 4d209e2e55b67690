// TrainingMonitor under a fast training log: 1,000,000 points logged as fast as the loop runs, the kernel
// serialising every comm message it would send (JSON, as the wire does). Anchor in the same run: the naive
// live chart that sends one update per logged point (what calling display(chart, { id }) per batch does),
// and a plain array push (the floor). Reported: points per second, messages and bytes per second sent.
import { cpus, loadavg } from "node:os";
import { comms } from "../kernel-ext/comms";
import { DISPLAY_SYMBOL } from "../src/index";
import * as widgets from "../widgets/src";

const POINTS = 5_000_000;
const sent = { messages: 0, bytes: 0, times: [] as number[] };
comms.attach({
  publish: (_type, content) => {
    sent.messages++;
    sent.bytes += JSON.stringify(content).length;
    sent.times.push(performance.now());
  },
  reportError: (error) => {
    throw error;
  },
  currentCell: () => undefined,
});

interface Row {
  name: string;
  seconds: number;
  messages: number;
  bytes: number;
  /** Shortest time between two consecutive sends (the final flush excluded), ms. */
  minGapMs: number;
}

async function timed(name: string, run: () => Promise<void>): Promise<Row> {
  sent.messages = 0;
  sent.bytes = 0;
  sent.times = [];
  const start = performance.now();
  await run();
  const gaps = sent.times.slice(1, -1).map((t, i) => t - sent.times[i]);
  return {
    name,
    seconds: (performance.now() - start) / 1000,
    messages: sent.messages,
    bytes: sent.bytes,
    minGapMs: gaps.length ? gaps.reduce((a, b) => Math.min(a, b)) : NaN,
  };
}

/** Yields every 1,000 points, as a fit loop awaiting its callbacks does; this lets the throttle's timer fire. */
async function feed(log: (step: number, value: number) => void): Promise<void> {
  for (let i = 0; i < POINTS; i++) {
    log(i, Math.sin(i / 1000) + (i % 99_991 === 0 ? 5 : 0));
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
}

async function main(): Promise<void> {
  const monitor = new widgets.TrainingMonitor();
  await monitor[DISPLAY_SYMBOL]();
  const ours = await timed("TrainingMonitor.log (buckets + throttled updates)", async () => {
    await feed((step, value) => monitor.log("loss", step, value));
    monitor.flush();
  });
  const naive = await timed("anchor: one comm update per point", async () => {
    const points: number[][] = [];
    await feed((step, value) => {
      points.push([step, value]);
      // the naive chart re-sends only the new point (already the cheapest per-point form)
      comms.publish(
        "comm_msg",
        { comm_id: "naive", data: { method: "update", state: { point: [step, value] } } },
        {},
      );
    });
  });
  const floor = await timed("floor: Array.push only", async () => {
    const points: number[][] = [];
    await feed((step, value) => void points.push([step, value]));
  });
  console.log(`- machine: ${cpus().length} × ${cpus()[0].model}, node ${process.version}`);
  console.log(`- date: ${new Date().toISOString()}, load average ${loadavg()[0].toFixed(1)}`);
  console.log(
    `- ${POINTS.toLocaleString("en-US")} points; monitor holds ${monitor.pointCounts().loss} buckets\n`,
  );
  console.log(
    "| variant | points/s | messages sent | shortest gap between sends, ms | MB sent | time ratio vs anchor |",
  );
  console.log("|---|---|---|---|---|---|");
  for (const row of [ours, naive, floor]) {
    const rate = (POINTS / row.seconds).toExponential(2);
    const gap = Number.isNaN(row.minGapMs) ? "-" : row.minGapMs.toFixed(3);
    const ratio = (row.seconds / naive.seconds).toFixed(2);
    console.log(
      `| ${row.name} | ${rate} | ${row.messages} | ${gap} | ${(row.bytes / 1e6).toFixed(1)} | ${ratio} |`,
    );
  }
  comms.attach(undefined);
}

void main();
