// `npm start` and `tensorscope tutorial`: what a user sees when something is wrong, and the server starting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createServer } from "node:net";

const ROOT = join(__dirname, "..", "..");
const CLI = join(ROOT, "dist", "kernel-ext", "cli.js");

function tutorial(args: string[]) {
  return spawnSync(process.execPath, [CLI, "tutorial", ...args], { encoding: "utf8" });
}

test("tutorial without --out says what to pass", () => {
  const result = tutorial([]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /tutorial needs --out <dir>/);
});

test("tutorial with a folder it cannot write names the folder", () => {
  const result = tutorial(["--out", "/proc/tensorscope-cannot-write-here"]);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /tutorial cannot write to \/proc\/tensorscope-cannot-write-here/);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

test(
  "npm start serves JupyterLab on 127.0.0.1 with the tensorscope kernel and the notebooks",
  { timeout: 120_000 },
  async () => {
    const port = await freePort();
    const token = "tensorscope-start-test";
    const child = spawn("bash", [join(ROOT, "scripts", "start.sh")], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), JUPYTER_TOKEN: token },
      detached: true,
    });
    let printed = "";
    child.stdout.on("data", (chunk) => (printed += chunk));
    try {
      const api = async (path: string) => {
        const response = await fetch(`http://127.0.0.1:${port}${path}?token=${token}`);
        return (await response.json()) as Record<string, unknown>;
      };
      let specs: Record<string, unknown> | undefined;
      // Waits as long as the test may take: a loaded machine starts JupyterLab slowly, which is no failure.
      for (const deadline = Date.now() + 110_000; Date.now() < deadline && !specs;) {
        specs = await api("/api/kernelspecs").catch(() => undefined);
        if (!specs) await new Promise((r) => setTimeout(r, 500));
      }
      assert.ok(specs, "JupyterLab answered");
      assert.ok(Object.keys(specs.kernelspecs as object).includes("tensorscope"));
      const contents = (await api("/api/contents")).content as { name: string }[];
      for (const name of [
        "7.1-model-structure.ipynb",
        "7.2-cnn-visualisation.ipynb",
        "7.3-training-visualisation.ipynb",
      ]) {
        assert.ok(
          contents.some((c) => c.name === name),
          `${name} is in the opened folder`,
        );
      }
      assert.match(printed, new RegExp(`http://127\\.0\\.0\\.1:${port}/lab\\?token=${token}`));
    } finally {
      process.kill(-child.pid!, "SIGTERM");
    }
  },
);

test("--help lists every command and exits 0; <command> --help prints that command's usage", () => {
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  for (const args of [["--help"], ["-h"], ["help"]]) {
    const result = run(args);
    assert.equal(result.status, 0, args.join(" "));
    for (const command of ["kernel", "nbtest", "tutorial"])
      assert.match(result.stdout, new RegExp(`^  ${command} `, "m"));
  }
  for (const command of ["kernel", "nbtest", "tutorial"]) {
    const result = run([command, "--help"]);
    assert.equal(result.status, 0, `${command} --help`);
    assert.match(result.stdout, new RegExp(`^usage:\\n  tensorscope ${command}`));
    assert.doesNotMatch(result.stdout, /commands:/);
  }
  const unknown = run(["bogus"]);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "bogus"/);
});
