// Output that outruns ZeroMQ: zeromq sends at most 512 messages per turn of the event loop and throws EBUSY on the
// next; the kernel's sender queues from there on, in order. Before, a cell printing a thousand lines killed the kernel.
import assert from "node:assert/strict";
import { test } from "node:test";
import * as zmq from "zeromq";
import { OrderedSender } from "../../kernel-ext/connection";
import { content, ofType, startKernel, stdout } from "./helpers";

test("OrderedSender: 3000 messages sent in one turn all arrive, in order", async () => {
  const publisher = new zmq.Publisher({ sendHighWaterMark: 0 });
  const subscriber = new zmq.Subscriber({ receiveHighWaterMark: 0 });
  try {
    await publisher.bind("tcp://127.0.0.1:*");
    subscriber.connect(publisher.lastEndpoint!);
    subscriber.subscribe();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the subscription reaches the publisher
    const sender = new OrderedSender(publisher);
    const count = 3000;
    const sends = Array.from({ length: count }, (_, i) => sender.send([Buffer.from(String(i))]));
    await Promise.all(sends);
    const received: number[] = [];
    for (let i = 0; i < count; i++) {
      const [frame] = await subscriber.receive();
      received.push(Number(frame.toString()));
    }
    assert.deepEqual(
      received,
      Array.from({ length: count }, (_, i) => i),
    );
  } finally {
    publisher.close();
    subscriber.close();
  }
});

test("a cell printing 2000 lines: every line arrives, then the result, then idle", async () => {
  const kernel = await startKernel();
  try {
    const exchange = await kernel.execute('for (let i = 0; i < 2000; i++) console.log(i);\n"done"');
    assert.equal(content<{ status: string }>(exchange.reply).status, "ok");
    const lines = stdout(exchange).trimEnd().split("\n");
    assert.deepEqual(
      lines,
      Array.from({ length: 2000 }, (_, i) => String(i)),
    );
    const types = exchange.iopub.map((m) => m.header.msg_type);
    assert.deepEqual(types.slice(-2), ["execute_result", "status"]);
    const [result] = ofType(exchange, "execute_result");
    assert.deepEqual(content<{ data: unknown }>(result).data, { "text/plain": "'done'" });
    const after = await kernel.execute('"still alive"');
    assert.deepEqual(content<{ data: unknown }>(ofType(after, "execute_result")[0]).data, {
      "text/plain": "'still alive'",
    });
  } finally {
    await kernel.shutdown();
  }
});
