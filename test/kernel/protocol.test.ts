// The kernel through a real ZeroMQ client: results, display ids, comms with buffers, errors, interrupts, and the
// stock tslab 1.0.22 protocol bugs this kernel fixes (each named in its test).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as zmq from "zeromq";
import type { KernelClient } from "../../kernel-ext/client";
import { address } from "../../kernel-ext/connection";
import { encode, newHeader } from "../../kernel-ext/wire";
import { content, ofType, result, startKernel, stdout } from "./helpers";

describe("tensorscope kernel protocol", () => {
  let kernel: KernelClient;
  before(async () => {
    kernel = await startKernel();
  });
  after(async () => kernel?.shutdown());

  test("kernel_info_reply names the kernel and TypeScript", async () => {
    const { reply } = await kernel.request("kernel_info_request", {});
    const info = content<{ implementation: string; language_info: { name: string }; status: string }>(reply);
    assert.equal(reply?.header.msg_type, "kernel_info_reply");
    assert.equal(info.status, "ok");
    assert.equal(info.implementation, "tensorscope");
    assert.equal(info.language_info.name, "typescript");
  });

  test("a plain last value is an execute_result (util.inspect text) with the execution count (tslab: stdout)", async () => {
    const exchange = await kernel.execute("const three = 1 + 2;\nthree");
    const reply = content<{ status: string; execution_count: number }>(exchange.reply);
    assert.equal(reply.status, "ok");
    assert.equal(stdout(exchange), "");
    const input = content<{ code: string; execution_count: number }>(ofType(exchange, "execute_input")[0]);
    assert.equal(input.execution_count, reply.execution_count);
    const result = content<{ data: Record<string, string>; execution_count: number }>(
      ofType(exchange, "execute_result")[0],
    );
    assert.deepEqual(result.data, { "text/plain": "3" });
    assert.equal(result.execution_count, reply.execution_count);
    assert.deepEqual(
      exchange.iopub.map((m) => m.header.msg_type),
      ["status", "execute_input", "execute_result", "status"],
    );
  });

  test("a displayable last value becomes execute_result with its bundle and the execution count", async () => {
    const exchange = await kernel.execute(
      'const card = { [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "Card", "text/html": "<b>Card</b>" }) };\ncard',
    );
    const [result] = ofType(exchange, "execute_result");
    const body = content<{ data: Record<string, string>; execution_count: number }>(result);
    assert.deepEqual(body.data, { "text/plain": "Card", "text/html": "<b>Card</b>" });
    assert.equal(body.execution_count, content<{ execution_count: number }>(exchange.reply).execution_count);
    assert.equal(stdout(exchange), "");
  });

  test("promises are awaited before the result, and the result precedes the reply's idle", async () => {
    const exchange = await kernel.execute(
      'new Promise((resolve) => setTimeout(() => resolve({ [Symbol.for("Jupyter.display")]: async () => ({ "text/plain": "late" }) }), 50))',
    );
    const types = exchange.iopub.map((m) => m.header.msg_type);
    assert.deepEqual(types, ["status", "execute_input", "execute_result", "status"]);
    assert.equal(
      content<{ data: { "text/plain": string } }>(ofType(exchange, "execute_result")[0]).data["text/plain"],
      "late",
    );
  });

  test("a bundle without text/plain is an error, not a silent output", async () => {
    const exchange = await kernel.execute(
      '({ [Symbol.for("Jupyter.display")]: () => ({ "text/html": "<i>x</i>" }) })',
    );
    assert.equal(content<{ status: string }>(exchange.reply).status, "error");
    assert.match(content<{ evalue: string }>(ofType(exchange, "error")[0]).evalue, /text\/plain/);
  });

  test("display() with an id sends display_data, then update_display_data with the same display_id", async () => {
    const exchange = await kernel.execute(
      [
        'import { display } from "tensorscope";',
        'const bundle = (n: number) => ({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": `step ${n}` }) });',
        'await display(bundle(1), { id: "train" });',
        'await display(bundle(2), { id: "train" });',
        "await display(bundle(3));",
      ].join("\n"),
    );
    const shown = exchange.iopub.filter((m) => m.header.msg_type.endsWith("display_data"));
    assert.deepEqual(
      shown.map((m) => [m.header.msg_type, content<{ data: Record<string, string> }>(m).data["text/plain"]]),
      [
        ["display_data", "step 1"],
        ["update_display_data", "step 2"],
        ["display_data", "step 3"],
      ],
    );
    const ids = shown.map((m) => content<{ transient: { display_id?: string } }>(m).transient.display_id);
    assert.deepEqual(ids, ["train", "train", undefined]);
  });

  test("tslab's own display API keeps working, and silent cells publish nothing but status", async () => {
    const shown = await kernel.execute(
      'import * as tslab from "tslab";\ntslab.display.html("<i>tslab</i>");',
    );
    assert.deepEqual(content<{ data: unknown }>(ofType(shown, "display_data")[0]).data, {
      "text/html": "<i>tslab</i>",
    });
    const silent = await kernel.execute(
      '({ [Symbol.for("Jupyter.display")]: () => ({ "text/plain": "quiet" }) })',
      {
        silent: true,
      },
    );
    assert.deepEqual(
      silent.iopub.map((m) => m.header.msg_type),
      ["status", "status"],
    );
  });

  test("a thrown error gives an error message and an error reply with ename, evalue, traceback (tslab: stderr only)", async () => {
    const exchange = await kernel.execute('throw new RangeError("boom");');
    const reply = content<{ status: string; ename: string; evalue: string; traceback: string[] }>(
      exchange.reply,
    );
    assert.equal(reply.status, "error");
    assert.equal(reply.ename, "RangeError");
    assert.equal(reply.evalue, "boom");
    assert.equal(reply.traceback[0], "RangeError: boom");
    const error = content<{ ename: string; evalue: string }>(ofType(exchange, "error")[0]);
    assert.deepEqual([error.ename, error.evalue], ["RangeError", "boom"]);
    assert.equal(ofType(exchange, "stream").length, 0);
    assert.equal(result(await kernel.execute("'alive'")), "'alive'");
  });

  test("a type error is reported as CompileError with the diagnostic", async () => {
    const exchange = await kernel.execute('const n: number = "text";');
    const reply = content<{ ename: string; evalue: string }>(exchange.reply);
    assert.equal(reply.ename, "CompileError");
    assert.match(reply.evalue, /^1:7 - Type 'string' is not assignable to type 'number'/);
  });

  test("earlier cells' names work as shorthand properties (tslab: ReferenceError, or a silent global)", async () => {
    await kernel.execute('import { basename } from "node:path";\nconst width = 5;\nlet depth = 2;');
    assert.equal(
      result(await kernel.execute("({ width, depth, basename })")),
      "{ width: 5, depth: 2, basename: [Function: basename] }",
    );
    assert.equal(result(await kernel.execute("({ depth } = { depth: 7 });\ndepth")), "7");
    const exchange = await kernel.execute('const shape = { width }; const n: number = "text";');
    assert.match(
      content<{ evalue: string }>(exchange.reply).evalue,
      /^1:32 - Type 'string' is not assignable/,
    );
  });

  test("a cell sent right after an error runs (tslab answered `abort` for 200 ms)", async () => {
    const failing = kernel.execute('throw new Error("first")', { stopOnError: true });
    await failing;
    const next = await kernel.execute("40 + 2", { stopOnError: true });
    assert.equal(content<{ status: string }>(next.reply).status, "ok");
    assert.equal(result(next), "42");
  });

  test("only cells queued behind a failing cell are answered `aborted` (protocol spelling)", async () => {
    const failing = kernel.execute('await new Promise((r) => setTimeout(r, 300)); throw new Error("stop")', {
      stopOnError: true,
    });
    const queued = kernel.execute('"never runs"');
    const [failed, aborted] = await Promise.all([failing, queued]);
    assert.equal(content<{ status: string }>(failed.reply).status, "error");
    assert.equal(content<{ status: string }>(aborted.reply).status, "aborted");
    assert.equal(result(aborted), "");
    const withoutStop = kernel.execute('throw new Error("again")', { stopOnError: false });
    const notAborted = kernel.execute('"runs anyway"');
    assert.equal(content<{ status: string }>((await notAborted).reply).status, "ok");
    await withoutStop;
  });

  test("comm_info_request is answered by comm_info_reply (tslab labelled it complete_reply)", async () => {
    await kernel.execute('import { comms } from "tensorscope/kernel-ext";\ncomms.open("test.listed", {});');
    const { reply } = await kernel.request("comm_info_request", { target_name: "test.listed" });
    assert.equal(reply?.header.msg_type, "comm_info_reply");
    const info = content<{ status: string; comms: Record<string, { target_name: string }> }>(reply);
    assert.equal(info.status, "ok");
    assert.deepEqual(Object.values(info.comms), [{ target_name: "test.listed" }]);
  });

  test("comm round trip with binary buffers both ways (tslab failed its HMAC check on buffers)", async () => {
    await kernel.execute(
      [
        'import { comms as echoComms } from "tensorscope/kernel-ext";',
        'echoComms.registerTarget("test.echo", (comm, opened) => {',
        "  comm.send({ opened: opened.data, sizes: opened.buffers.map((b) => b.length) });",
        "  comm.onMsg(({ data, buffers }) => comm.send({ echo: data }, { buffers: buffers.map((b) => Buffer.from(b).reverse()) }));",
        "  comm.onClose(() => ((globalThis as any).echoClosed = true));",
        "});",
      ].join("\n"),
    );
    const commId = "echo-1";
    await kernel.request(
      "comm_open",
      { comm_id: commId, target_name: "test.echo", data: { hello: 1 } },
      { buffers: [new Uint8Array([9, 8])] },
    );
    const opened = await kernel.waitForIopub(
      (m) => m.header.msg_type === "comm_msg" && content<{ comm_id: string }>(m).comm_id === commId,
    );
    assert.deepEqual(content<{ data: unknown }>(opened).data, { opened: { hello: 1 }, sizes: [2] });
    const sent = await kernel.request(
      "comm_msg",
      { comm_id: commId, data: { n: 7 } },
      { buffers: [new Uint8Array([1, 2, 3, 255])] },
    );
    const echo = await kernel.waitForIopub(
      (m) => m.header.msg_type === "comm_msg" && m.parent.msg_id === sent.request.header.msg_id,
    );
    assert.deepEqual(content<{ data: unknown }>(echo).data, { echo: { n: 7 } });
    assert.deepEqual([...echo.buffers[0]], [255, 3, 2, 1]);
    await kernel.request("comm_close", { comm_id: commId, data: {} });
    assert.equal(result(await kernel.execute("(globalThis as any).echoClosed")), "true");
    const info = await kernel.request("comm_info_request", { target_name: "test.echo" });
    assert.deepEqual(content<{ comms: object }>(info.reply).comms, {});
  });

  test("a comm opened by the kernel carries metadata and a buffer; an unknown target is closed at once", async () => {
    const exchange = await kernel.execute(
      [
        'import { comms as kernelComms } from "tensorscope/kernel-ext";',
        'kernelComms.open("jupyter.widget", { state: {}, buffer_paths: [["value"]] }, { metadata: { version: "2.1.0" }, buffers: [Buffer.from("PNG")] });',
      ].join("\n"),
    );
    const [open] = ofType(exchange, "comm_open");
    assert.equal(content<{ target_name: string }>(open).target_name, "jupyter.widget");
    assert.deepEqual(open.metadata, { version: "2.1.0" });
    assert.equal(open.buffers[0].toString(), "PNG");
    const unknown = await kernel.request("comm_open", {
      comm_id: "nobody",
      target_name: "no.such.target",
      data: {},
    });
    const [closed] = ofType(unknown, "comm_close");
    assert.equal(content<{ comm_id: string }>(closed).comm_id, "nobody");
  });

  test("an exception in a comm handler is shown in the cell's output and the kernel keeps running", async () => {
    const cell = await kernel.execute(
      [
        'import { comms as badComms } from "tensorscope/kernel-ext";',
        'const bad = badComms.open("test.bad", {});',
        'bad.onMsg(() => { throw new TypeError("handler broke"); });',
        "bad.id",
      ].join("\n"),
    );
    const commId = JSON.parse(result(cell).replace(/'/g, '"')) as string;
    await kernel.request("comm_msg", { comm_id: commId, data: {} });
    const report = await kernel.waitForIopub(
      (m) =>
        m.header.msg_type === "stream" &&
        m.parent.msg_id === cell.request.header.msg_id &&
        /handler broke/.test(content<{ text: string }>(m).text),
    );
    assert.equal(content<{ name: string }>(report).name, "stderr");
    assert.equal(result(await kernel.execute("'still alive'")), "'still alive'");
  });

  test("a message with a wrong signature is dropped and the kernel carries on", async () => {
    const intruder = new zmq.Dealer({ linger: 0 });
    intruder.connect(address(kernel.connection, "shell"));
    const request = {
      header: newHeader("execute_request", "intruder"),
      parent: {},
      metadata: {},
      buffers: [],
    };
    await intruder.send(encode("not-the-key", { ...request, content: { code: "globalThis.forged = 1" } }));
    const answered = await Promise.race([
      intruder.receive().then(() => true),
      new Promise((resolve) => setTimeout(() => resolve(false), 500)),
    ]);
    intruder.close();
    assert.equal(answered, false);
    assert.equal(result(await kernel.execute("typeof (globalThis as any).forged")), "'undefined'");
  });

  test("an interrupt stops a synchronous endless loop and an endless await", async () => {
    for (const code of ["while (true) {}", "await new Promise(() => {});"]) {
      const running = kernel.execute(code, { timeoutMs: 20_000 });
      await kernel.waitForIopub(
        (m) => m.header.msg_type === "execute_input" && content<{ code: string }>(m).code === code,
      );
      // Repeated as a user would: a signal that lands while the cell is still compiling is not the loop's.
      const repeat = setInterval(() => kernel.interrupt(), 500);
      const reply = content<{ status: string; evalue: string }>(
        (await running.finally(() => clearInterval(repeat))).reply,
      );
      assert.equal(reply.status, "error");
      assert.match(reply.evalue, /interrupted/i);
    }
    assert.equal(result(await kernel.execute("'after interrupt'")), "'after interrupt'");
  });

  test("the working directory is the notebook folder and Node's types resolve from it", async () => {
    const exchange = await kernel.execute(
      "const b: Buffer = Buffer.from('ab');\n`${process.cwd()} ${b.length}`",
    );
    assert.equal(content<{ status: string }>(exchange.reply).status, "ok");
    assert.match(result(exchange), /notebooks 2'$/);
  });
});
