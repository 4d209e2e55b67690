// Runs benchmarks/*.bench.ts (all, or those whose names contain an argument) one after another, each in its own
// process so that one benchmark's memory and threads do not skew the next.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const dir = join(import.meta.dirname, "..", "benchmarks");
const filters = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n### ${file}`);
  const run = spawnSync(process.execPath, ["--import", "tsx", join(dir, file)], {
    stdio: "inherit",
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: "2", TENSORSCOPE_QUIET: "1" },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
