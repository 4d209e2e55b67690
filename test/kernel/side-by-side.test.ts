// Two kernels at once keep separate state, and the kernelspec commands write and remove kernel.json.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { CLI_SOURCE, ROOT, result, startKernel } from "./helpers";

test("two kernels side by side run independently", async () => {
  const [a, b] = await Promise.all([startKernel(), startKernel()]);
  try {
    await Promise.all([a.execute('const who = "A";'), b.execute('const who = "B";')]);
    const [fromA, fromB] = await Promise.all([a.execute("who"), b.execute("who")]);
    assert.equal(result(fromA), "'A'");
    assert.equal(result(fromB), "'B'");
    assert.notEqual(a.connection.shell_port, b.connection.shell_port);
  } finally {
    await Promise.all([a.shutdown(), b.shutdown()]);
  }
  assert.notEqual(a.process.exitCode ?? a.process.signalCode, null);
});

test("kernel install --prefix writes the kernelspec; uninstall removes it", () => {
  const prefix = mkdtempSync(join(tmpdir(), "tensorscope-spec-"));
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", CLI_SOURCE, ...args], { cwd: ROOT, encoding: "utf8" });
  try {
    const install = cli("kernel", "install", "--prefix", prefix);
    assert.equal(install.status, 0, install.stderr);
    const specFile = join(prefix, "share", "jupyter", "kernels", "tensorscope", "kernel.json");
    const spec = JSON.parse(readFileSync(specFile, "utf8"));
    assert.equal(spec.display_name, "TypeScript (tensorscope)");
    assert.equal(spec.language, "typescript");
    assert.deepEqual(spec.argv.slice(0, 2), [process.execPath, join(ROOT, "dist", "kernel-ext", "cli.js")]);
    assert.deepEqual(spec.argv.slice(2), ["kernel", "--connection-file", "{connection_file}"]);
    const uninstall = cli("kernel", "uninstall", "--prefix", prefix);
    assert.equal(uninstall.status, 0);
    assert.equal(existsSync(specFile), false);
    assert.match(cli("kernel", "install", "--user", "--prefix", prefix).stderr, /choose one of --user/);
  } finally {
    rmSync(prefix, { recursive: true, force: true });
  }
});
