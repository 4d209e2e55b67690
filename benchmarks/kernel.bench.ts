// Kernel start to first result, and a trivial cell's round trip: tensorscope's kernel against stock tslab 1.0.22
// (its own `tslab kernel`), both compiled JavaScript, measured alternately in the same run.
// Target (issue 3): ours adds under 10% to either. Needs `npm run build` (the kernel runs from dist/).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { KernelClient } from "../kernel-ext/client";

const ROOT = join(__dirname, "..");
const CWD = join(ROOT, "notebooks");
const STARTS = Number(process.env.KERNEL_BENCH_STARTS ?? 5);
const ROUND_TRIPS = Number(process.env.KERNEL_BENCH_ROUND_TRIPS ?? 60);

const KERNELS = {
  tslab: [process.execPath, join(ROOT, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path"],
  tensorscope: [process.execPath, join(ROOT, "dist", "kernel-ext", "cli.js"), "kernel", "--connection-file"],
};
type Name = keyof typeof KERNELS;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Spawn → reply to the first `1 + 1`, sent at once (ZeroMQ queues it until the kernel binds). */
async function startToFirstResult(name: Name): Promise<{ ms: number; client: KernelClient }> {
  const started = performance.now();
  const client = await KernelClient.start({
    argv: [...KERNELS[name], "{connection_file}"],
    cwd: CWD,
    skipHandshake: true,
  });
  const first = await client.request(
    "execute_request",
    { code: "1 + 1", silent: false },
    { replyOnly: true, timeoutMs: 120_000 },
  );
  if ((first.reply?.content as { status?: string }).status !== "ok")
    throw new Error(`${name}: first cell failed`);
  return { ms: performance.now() - started, client };
}

async function roundTrip(client: KernelClient): Promise<number> {
  const started = performance.now();
  await client.request(
    "execute_request",
    { code: "1 + 1", silent: false },
    { replyOnly: true, timeoutMs: 30_000 },
  );
  return performance.now() - started;
}

async function main(): Promise<void> {
  if (!existsSync(KERNELS.tensorscope[1]))
    throw new Error("run `npm run build` first: dist/kernel-ext/cli.js is missing");
  const starts: Record<Name, number[]> = { tslab: [], tensorscope: [] };
  const trips: Record<Name, number[]> = { tslab: [], tensorscope: [] };
  for (let i = 0; i < STARTS; i++) {
    // Alternate the start order, and interleave the round trips of both live kernels, so that the drifting load
    // of a shared machine hits both alike.
    const order: Name[] = i % 2 ? ["tensorscope", "tslab"] : ["tslab", "tensorscope"];
    const clients = {} as Record<Name, KernelClient>;
    for (const name of order) {
      const { ms, client } = await startToFirstResult(name);
      starts[name].push(ms);
      clients[name] = client;
    }
    for (let trip = 0; trip < ROUND_TRIPS; trip++) {
      for (const name of order) trips[name].push(await roundTrip(clients[name]));
    }
    await Promise.all(order.map((name) => clients[name].kill()));
  }
  const row = (label: string, values: Record<Name, number[]>) => {
    const [ours, stock] = [median(values.tensorscope), median(values.tslab)];
    const ratio = ours / stock;
    const verdict = ratio < 1.1 ? "within" : "OVER";
    console.log(
      `${label.padEnd(24)} tslab ${stock.toFixed(1).padStart(7)} ms  tensorscope ${ours.toFixed(1).padStart(7)} ms  ratio ${ratio.toFixed(3)} (${verdict} the 1.10 target)`,
    );
  };
  console.log(
    `kernel benchmark: ${STARTS} starts and ${STARTS * ROUND_TRIPS} round trips per kernel (medians)`,
  );
  row("start to first result", starts);
  row("trivial cell round trip", trips);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
