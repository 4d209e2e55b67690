// Interrupting a long model.fit stops the training itself (through a tfjs callback the kernel registers), not only
// the cell's await: afterwards the epoch counter stands still, the model is no longer training, the kernel lives.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { KernelClient } from "../../kernel-ext/client";
import { content, result, startKernel } from "./helpers";

let kernel: KernelClient;
before(async () => {
  kernel = await startKernel();
});
after(async () => kernel?.shutdown());

const FIT = [
  'import { tf } from "tensorscope";',
  "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });",
  'model.compile({ optimizer: "sgd", loss: "meanSquaredError" });',
  "const xs = tf.ones([64, 1]);",
  // On globalThis: the interrupted cell's own names are not declared for later cells.
  "const seen = globalThis as unknown as { epochs: number; model: tf.LayersModel };",
  "seen.epochs = 0;",
  "seen.model = model;",
  'await model.fit(xs, xs, { epochs: 1_000_000, batchSize: 8, verbose: 0, callbacks: { onEpochEnd: async () => { if (++seen.epochs === 3) console.log("training"); } } });',
].join("\n");

test("an interrupt stops a long model.fit, and training does not go on in the background", async () => {
  const running = kernel.execute(FIT, { timeoutMs: 120_000 });
  // Once training runs, interrupt as Jupyter does (SIGINT), repeated like a user.
  await kernel.waitForIopub(
    (m) => m.header.msg_type === "stream" && /training/.test(content<{ text: string }>(m).text),
    120_000,
  );
  const repeat = setInterval(() => kernel.interrupt(), 500);
  const reply = content<{ status: string; evalue: string }>(
    (await running.finally(() => clearInterval(repeat))).reply,
  );
  assert.equal(reply.status, "error");
  assert.match(reply.evalue, /interrupted/i);
  const epochs = "(globalThis as unknown as { epochs: number }).epochs";
  const first = Number(result(await kernel.execute(epochs)));
  await new Promise((r) => setTimeout(r, 1500));
  const later = Number(result(await kernel.execute(epochs)));
  assert.ok(first > 0, "training had started");
  assert.equal(later, first, "no epochs after the interrupt");
  assert.equal(
    result(
      await kernel.execute("(globalThis as unknown as { model: { isTraining: boolean } }).model.isTraining"),
    ),
    "false",
  );
});
