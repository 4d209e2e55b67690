// Runs every *.test.ts under the given folders with Node's test runner (TypeScript through tsx).
// Node 20 has no glob support in --test, so the files are listed here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function findTests(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "fixtures" ? [] : findTests(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

const args = process.argv.slice(2);
const roots = args.filter((a) => !a.startsWith("--"));
const files = roots.flatMap(findTests).sort();
if (files.length === 0) {
  console.error(`no *.test.ts files under ${roots.join(", ")}`);
  process.exit(1);
}
const env = { ...process.env, TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? "2" };
// Property tests use a fixed seed (test/setup/fast-check-seed.cjs). TENSORSCOPE_TEST_SEED=random draws one seed
// for the whole run here, so that every test file uses it and the line below reruns a failure.
if (env.TENSORSCOPE_TEST_SEED === "random") {
  env.TENSORSCOPE_TEST_SEED = String(Math.floor(Math.random() * 2 ** 31));
  console.log(
    `fast-check seed ${env.TENSORSCOPE_TEST_SEED}: TENSORSCOPE_TEST_SEED=${env.TENSORSCOPE_TEST_SEED} reruns it`,
  );
}
const result = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--require",
    "./test/setup/fast-check-seed.cjs",
    "--test",
    "--test-concurrency=2",
    ...args.filter((a) => a.startsWith("--")),
    ...files,
  ],
  { stdio: "inherit", env },
);
process.exit(result.status ?? 1);
