// The notebooks again on one TensorFlow thread (outputs must not depend on the thread count). Skipped in the
// nested run of test/tutorial/new-user.test.ts: the outer `npm test` runs this pass on the same notebooks and
// kernel, and the nested run's first pass already shows that they pass in a fresh clone.
import { spawnSync } from "node:child_process";

if (process.env.TENSORSCOPE_NEW_USER_TEST_INNER === "1") {
  console.log("one-thread notebook pass: skipped in the nested new-user run (the outer npm test runs it)");
  process.exit(0);
}
const env = { ...process.env, TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1" };
const result = spawnSync(process.execPath, ["dist/kernel-ext/cli.js", "nbtest", "notebooks"], {
  stdio: "inherit",
  env,
});
process.exit(result.status ?? 1);
