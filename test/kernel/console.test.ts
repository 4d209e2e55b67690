// What jupyter console and front ends ask besides execution, through Python's jupyter_client on the installed
// kernelspec: input() over the stdin channel (awaited, and synchronous as in IPython, also after an await, and
// interrupted while it waits), is_complete for multi-line input, inspect (type and doc comment),
// history. Skipped when the project venv or the build is missing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { NO_PYTHON_KERNEL, NOTEBOOKS, PYTHON, withInstalledKernel } from "./helpers";

const SCRIPT = `
import json, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="tensorscope", startup_timeout=120)
out = {}
try:
    prompts = []
    def answer(msg):
        prompts.append(msg["content"]["prompt"])
        kc.input("Ada")
    results = []
    def keep(msg):
        if msg["msg_type"] == "execute_result":
            results.append(msg["content"]["data"]["text/plain"])
    code = 'const who = await input("name? ");\\n\`hello \${who}\`'
    reply = kc.execute_interactive(code, allow_stdin=True, stdin_hook=answer, output_hook=keep, timeout=120)
    out["input"] = [reply["content"]["status"], prompts, results]
    answers = iter(["Grace", "", "late"])
    sync_prompts, sync_results = [], []
    def answer_sync(msg):
        sync_prompts.append(msg["content"]["prompt"])
        if len(sync_prompts) == 3:
            time.sleep(2.5)  # longer than the kernel's stdin receive timeout (1 s): the wait goes on
        kc.input(next(answers))
    def keep_sync(msg):
        if msg["msg_type"] == "execute_result":
            sync_results.append(msg["content"]["data"]["text/plain"])
    code = ('const first: string = input("first? ");\\n'
            'const second: string = prompt("second? ", "Hopper");\\n'
            'await new Promise((resolve) => setTimeout(resolve, 10));\\n'
            'const third = input("after an await? ");\\n'
            '[first, second, third].join(" ")')
    reply = kc.execute_interactive(code, allow_stdin=True, stdin_hook=answer_sync, output_hook=keep_sync, timeout=120)
    out["sync_input"] = [reply["content"]["status"], sync_prompts, sync_results]
    msg_id = kc.execute('input("never answered? ")', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=60)
    km.interrupt_kernel()
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    alive = []
    def keep_alive(msg):
        if msg["msg_type"] == "execute_result":
            alive.append(msg["content"]["data"]["text/plain"])
        elif msg["msg_type"] not in ("status", "execute_input"):
            alive.append([msg["msg_type"], msg["content"]])
    after = kc.execute_interactive('"still here"', output_hook=keep_alive, timeout=60)["content"]
    alive.append([after["status"], after.get("evalue")])
    out["interrupted"] = [request["content"]["prompt"], reply["content"]["status"], reply["content"].get("ename"), alive]
    errors = []
    reply = kc.execute_interactive('await input("x")', allow_stdin=False, output_hook=lambda m: errors.append(m["content"].get("ename")) if m["msg_type"] == "error" else None, timeout=60)
    out["no_stdin"] = [reply["content"]["status"], errors]
    def ask(method, **kw):
        getattr(kc, method)(**kw)
        return kc.get_shell_msg(timeout=60)["content"]
    out["incomplete"] = ask("is_complete", code="function f() {")
    out["complete"] = ask("is_complete", code="function f() {}")
    kc.execute_interactive('/** Doubles a number. */\\nfunction double(n: number): number { return 2 * n; }', timeout=60)
    out["inspect"] = ask("inspect", code="double(2)", cursor_pos=2)
    out["history"] = ask("history", hist_access_type="tail", n=2, output=False, raw=True)
    out["search"] = ask("history", hist_access_type="search", pattern="*double*", output=False, raw=True)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(out))
`;

test(
  "jupyter_client: input() through stdin, is_complete, inspect and history",
  { skip: NO_PYTHON_KERNEL },
  () => {
    withInstalledKernel("console", (env) => {
      const run = spawnSync(PYTHON, ["-c", SCRIPT], {
        cwd: NOTEBOOKS,
        encoding: "utf8",
        timeout: 300_000,
        env,
      });
      assert.equal(run.status, 0, run.stderr);
      const out = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "{}");
      assert.deepEqual(out.input, ["ok", ["name? "], ["'hello Ada'"]]);
      assert.deepEqual(out.sync_input, [
        "ok",
        ["first? ", "second? ", "after an await? "],
        ["'Grace Hopper late'"],
      ]);
      assert.equal(out.interrupted[0], "never answered? ");
      assert.equal(out.interrupted[1], "error", JSON.stringify(out.interrupted));
      assert.deepEqual(out.interrupted[3], ["'still here'", ["ok", null]]);
      assert.deepEqual(out.no_stdin, ["error", ["StdinNotImplementedError"]]);
      assert.equal(out.incomplete.status, "incomplete");
      assert.equal(out.complete.status, "complete");
      assert.equal(out.inspect.found, true);
      assert.match(out.inspect.data["text/plain"], /function double\(n: number\): number/);
      assert.match(out.inspect.data["text/plain"], /Doubles a number\./);
      const sources = (rows: [number, number, string][]) => rows.map((row) => row[2]);
      assert.equal(out.history.history.length, 2);
      assert.match(sources(out.history.history).at(-1) ?? "", /function double/);
      assert.deepEqual(sources(out.search.history).length, 1);
    });
  },
);
