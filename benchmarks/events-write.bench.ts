// addScalar cost: tensorscope's SummaryWriter against @tensorflow/tfjs-node's tf.node.summaryFileWriter (TensorFlow's
// C++ writer through N-API), same process, same run; both include the final flush/close.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import * as tfn from "@tensorflow/tfjs-node";
import { SummaryWriter } from "../src/events/writer";

const OURS_CALLS = 2_000_000;
const TFJS_CALLS = 50_000;
const REPEATS = 3;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function ours(dir: string): number {
  const writer = new SummaryWriter(join(dir, "ours"));
  const start = performance.now();
  for (let step = 0; step < OURS_CALLS; step++) writer.addScalar("loss", step * 1e-3, step);
  writer.close();
  return ((performance.now() - start) * 1000) / OURS_CALLS;
}

function tfjsNode(dir: string): number {
  const writer = tfn.node.summaryFileWriter(join(dir, "tfjs"));
  const start = performance.now();
  for (let step = 0; step < TFJS_CALLS; step++) writer.scalar("loss", step * 1e-3, step);
  writer.flush();
  return ((performance.now() - start) * 1000) / TFJS_CALLS;
}

const dir = mkdtempSync(join(tmpdir(), "ts-bench-write-"));
try {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    a.push(ours(dir));
    b.push(tfjsNode(dir));
    console.log(
      `repeat ${i + 1}: tensorscope ${a[i].toFixed(3)} µs/call, tfjs-node ${b[i].toFixed(2)} µs/call`,
    );
  }
  let constantHistogram = "ok";
  try {
    tfn.tidy(() => tfn.node.summaryFileWriter(join(dir, "hist")).histogram("c", tfn.fill([10], 1), 0));
  } catch (error) {
    constantHistogram = `throws: ${String(error).split("\n")[0]}`;
  }
  console.log(
    `machine: ${cpus().length} x ${cpus()[0].model}, node ${process.version}, ${new Date().toISOString()}`,
  );
  console.log(
    `tensorscope addScalar  median ${median(a).toFixed(3)} µs/call (${OURS_CALLS} calls incl. close)`,
  );
  console.log(
    `tfjs-node scalar       median ${median(b).toFixed(2)} µs/call (${TFJS_CALLS} calls incl. flush)`,
  );
  console.log(`ratio                  ${(median(b) / median(a)).toFixed(1)}x faster per call`);
  console.log(`tfjs-node histogram of a constant tensor: ${constantHistogram}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
