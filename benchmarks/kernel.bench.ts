// The kernel's speed as a user feels it, in one run beside stock tslab 1.0.22 and IPython's kernel (ipykernel in
// .venv), all started from notebooks/ through a connection file and driven by the same ZeroMQ client:
//   ready        spawn → kernel_info_reply (the client retries kernel_info until the kernel binds)
//   first cell   the first cell importing tensorscope (IPython: `import json`), sent right after ready (as nbclient
//                does), and again on a fresh kernel left idle for KERNEL_BENCH_IDLE_MS first (as a person does,
//                opening a notebook and reading it; our kernel warms TypeScript meanwhile)
//   trivial cell median of 50 `i + 1` round trips after that (execute_request → execute_reply)
//   memory       resident set size of the idle kernel after the import (our TypeScript worker included)
// Targets (issue 16): ready within 1.5× IPython's; first cell within 1.5 s; trivial cell within 30 ms.
// Needs `npm run build` (the kernel runs from dist/) and .venv with ipykernel.
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { KernelClient } from "../kernel-ext/client";

const ROOT = join(__dirname, "..");
const CWD = join(ROOT, "notebooks");
const STARTS = Number(process.env.KERNEL_BENCH_STARTS ?? 3);
const TRIVIAL = Number(process.env.KERNEL_BENCH_TRIVIAL ?? 50);
const PYTHON = join(ROOT, ".venv", "bin", "python");
const IDLE_MS = Number(process.env.KERNEL_BENCH_IDLE_MS ?? 15_000);

const KERNELS = {
  ipython: {
    argv: [PYTHON, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
    setup: "import json\ni = 1",
  },
  tslab: {
    argv: [
      process.execPath,
      join(ROOT, "node_modules", "tslab", "bin", "tslab"),
      "kernel",
      "--config-path",
      "{connection_file}",
    ],
    setup: 'import { tf, summary } from "tensorscope";\nlet i = 1;',
  },
  tensorscope: {
    argv: [
      process.execPath,
      join(ROOT, "dist", "kernel-ext", "cli.js"),
      "kernel",
      "--connection-file",
      "{connection_file}",
    ],
    setup: 'import { tf, summary } from "tensorscope";\nlet i = 1;',
  },
};
type Name = keyof typeof KERNELS;
type Sample = { ready: number; first: number; firstAfterIdle: number; trivial: number[]; rssMB: number };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed<T>(run: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const value = await run();
  return [performance.now() - started, value];
}

function residentMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function ok(client: KernelClient, code: string, name: Name): Promise<void> {
  const { reply } = await client.request(
    "execute_request",
    { code, silent: false },
    { replyOnly: true, timeoutMs: 180_000 },
  );
  if ((reply?.content as { status?: string }).status !== "ok") throw new Error(`${name}: "${code}" failed`);
}

function start(name: Name): Promise<KernelClient> {
  const env = { ...process.env, TENSORSCOPE_QUIET: "1" };
  return KernelClient.start({ argv: KERNELS[name].argv, cwd: CWD, env, startupTimeoutMs: 180_000 });
}

async function firstCellAfterIdle(name: Name): Promise<number> {
  const client = await start(name);
  try {
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return (await timed(() => ok(client, KERNELS[name].setup, name)))[0];
  } finally {
    await client.kill();
  }
}

async function measure(name: Name): Promise<Sample> {
  const { setup } = KERNELS[name];
  const firstAfterIdle = await firstCellAfterIdle(name);
  const [ready, client] = await timed(() => start(name));
  try {
    const [first] = await timed(() => ok(client, setup, name));
    const trivial: number[] = [];
    for (let n = 0; n < TRIVIAL; n++) trivial.push((await timed(() => ok(client, "i + 1", name)))[0]);
    await new Promise((resolve) => setTimeout(resolve, 1000)); // idle
    return { ready, first, firstAfterIdle, trivial, rssMB: residentMB(client.process.pid ?? 0) };
  } finally {
    await client.kill();
  }
}

async function main(): Promise<void> {
  if (!existsSync(KERNELS.tensorscope.argv[1]))
    throw new Error("run `npm run build` first: dist/kernel-ext/cli.js is missing");
  if (!existsSync(PYTHON))
    throw new Error("IPython's kernel is the anchor: .venv/bin/python with ipykernel is missing");
  const samples: Record<Name, Sample[]> = { ipython: [], tslab: [], tensorscope: [] };
  const names = Object.keys(KERNELS) as Name[];
  for (let i = 0; i < STARTS; i++) {
    // Rotate the order so the shared machine's drifting load hits every kernel alike.
    for (const name of [...names.slice(i % 3), ...names.slice(0, i % 3)])
      samples[name].push(await measure(name));
  }
  const row = (name: Name) => {
    const s = samples[name];
    const cells = [
      median(s.map((x) => x.ready)),
      median(s.map((x) => x.first)),
      median(s.map((x) => x.firstAfterIdle)),
      median(s.flatMap((x) => x.trivial)),
      median(s.map((x) => x.rssMB)),
    ];
    return `| ${name} | ${cells.map((v) => v.toFixed(name === "tensorscope" || v > 100 ? 0 : 1)).join(" | ")} |`;
  };
  const ratio = (key: "ready" | "first" | "firstAfterIdle", a: Name, b: Name) =>
    (median(samples[a].map((x) => x[key])) / median(samples[b].map((x) => x[key]))).toFixed(2);
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model}, node ${process.version}`);
  console.log(
    `date: ${new Date().toISOString()}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}`,
  );
  console.log(`${STARTS} starts per kernel, ${TRIVIAL} trivial cells per start (medians)\n`);
  console.log(
    `| kernel | ready, ms | first cell at once, ms | first cell after ${IDLE_MS / 1000} s idle, ms | trivial cell, ms | idle RSS after import, MB |`,
  );
  console.log("|---|---|---|---|---|---|");
  for (const name of names) console.log(row(name));
  console.log(
    `\nready: tensorscope / IPython = ${ratio("ready", "tensorscope", "ipython")} (target ≤ 1.5), tslab / IPython = ${ratio("ready", "tslab", "ipython")}`,
  );
  console.log(`first cell at once: tensorscope / tslab = ${ratio("first", "tensorscope", "tslab")}`);
  console.log(
    `first cell after idle: tensorscope / tslab = ${ratio("firstAfterIdle", "tensorscope", "tslab")}`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
