import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fasterHint } from "../src/backend";

const ROOT = join(__dirname, "..");

function runWithBackend(env: Record<string, string>): {
  stdout: string;
  stderr: string;
  status: number | null;
} {
  const script = `const t = require("./src/index.ts"); console.log(JSON.stringify({ backend: t.tf.getBackend(), sum: t.tf.tensor([1, 2, 3]).sum().dataSync()[0] }));`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  return { stdout: result.stdout, stderr: result.stderr, status: result.status };
}

test("the native backend is chosen by default and says so in one line", () => {
  const { stdout, stderr, status } = runWithBackend({});
  assert.equal(status, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { backend: "tensorflow", sum: 6 });
  assert.equal(stderr.split("\n").filter((l) => l.startsWith("tensorscope:")).length, 1);
});

test("TENSORSCOPE_BACKEND forces the pure-JS cpu backend", () => {
  const { stdout, status, stderr } = runWithBackend({ TENSORSCOPE_BACKEND: "cpu" });
  assert.equal(status, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { backend: "cpu", sum: 6 });
});

test("an unknown backend name is a clear error naming the choices", () => {
  const { status, stderr } = runWithBackend({ TENSORSCOPE_BACKEND: "tpu" });
  assert.notEqual(status, 0);
  assert.match(
    stderr,
    /TENSORSCOPE_BACKEND="tpu" is not a backend; expected one of node-gpu, node, wasm, cpu/,
  );
});

test("the backend line tells how to get the native backend only when it did not load", () => {
  assert.equal(fasterHint([]), "");
  assert.equal(fasterHint([{ choice: "node-gpu", reason: "not installed" }]), "");
  assert.match(
    fasterHint([{ choice: "node", reason: "@tensorflow/tfjs-node did not load" }]),
    /faster native backend did not load: run `npx tensorscope setup`/,
  );
});
