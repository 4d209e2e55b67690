// As a new user would: clone the repository into an empty folder, run the README's two commands, then
// `npx tensorscope tutorial --out` and look at the HTML. The nested `npm test` skips this file (no recursion),
// and what the outer `npm test` already runs on identical inputs: the package test when the clone packs the same
// files and bytes (test/package/package-digest.ts), and the second, one-thread notebook pass (the notebooks and
// the kernel are the clone's commit; the first pass already runs them in the fresh clone).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUTER_PACKAGE_DIGEST, packageDigest } from "../package/package-digest";

const ROOT = join(__dirname, "..", "..");
const INNER = "TENSORSCOPE_NEW_USER_TEST_INNER";
const README_COMMANDS = ["npm run setup", "npm test"];

function run(command: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync("bash", ["-c", command], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...extraEnv, [INNER]: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
}

function tail(result: SpawnSyncReturns<string>): string {
  return `${result.stdout}\n${result.stderr}`.split("\n").slice(-40).join("\n");
}

test(
  "a fresh clone sets up, passes its tests and writes the tutorial as HTML",
  { skip: process.env[INNER] === "1", timeout: 40 * 60_000 },
  () => {
    const home = mkdtempSync(join(tmpdir(), "tensorscope-new-user-"));
    try {
      const clone = join(home, "tensorscope");
      const cloned = run(`git clone --quiet "${ROOT}" "${clone}"`, home);
      assert.equal(cloned.status, 0, tail(cloned));
      const readme = readFileSync(join(clone, "README.md"), "utf8");
      for (const command of README_COMMANDS) assert.ok(readme.includes(command), `README shows "${command}"`);
      // This tree's package, built by the outer run's `npm run build` (npm test's first step).
      const outer = { [OUTER_PACKAGE_DIGEST]: packageDigest(ROOT) };
      for (const command of README_COMMANDS) {
        const result = run(command, clone, outer);
        assert.equal(result.status, 0, `"${command}" failed in the fresh clone:\n${tail(result)}`);
      }
      const out = join(home, "html");
      const tutorial = run(`npx tensorscope tutorial --out "${out}"`, clone);
      assert.equal(tutorial.status, 0, tail(tutorial));
      const html = (name: string) => readFileSync(join(out, `${name}.html`), "utf8");
      assert.match(html("7.1-model-structure"), /Total mult-adds \(G\)[\s\S]*1\.81/, "the summary table");
      assert.match(html("7.2-cnn-visualisation"), /<img[^>]+src="data:image\/png;base64,/, "PNG images");
      assert.match(html("7.3-training-visualisation"), /data-mime-type="image\/svg\+xml"/, "charts");
      assert.ok(!existsSync(join(clone, "notebooks", ".tensorscope-tutorial")), "nothing left in the clone");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
);
