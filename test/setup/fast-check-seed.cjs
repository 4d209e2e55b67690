/* global require */
// Loaded before every test file (scripts/run-tests.mjs): property tests run with one fixed seed, so a run on any
// machine generates the same cases and a failure is reproducible. TENSORSCOPE_TEST_SEED=<n> picks another seed,
// TENSORSCOPE_TEST_SEED=random a new one per run (printed, to rerun a failure with it). A test that passes its own
// `seed` keeps it. CommonJS on purpose: the tests load fast-check's CommonJS build, and the global configuration
// lives in that module instance.
const fc = require("fast-check");

const FIXED_SEED = 20261202;
const asked = process.env.TENSORSCOPE_TEST_SEED;
let seed = FIXED_SEED;
if (asked === "random") {
  seed = Math.floor(Math.random() * 2 ** 31);
  console.log(`# fast-check seed ${seed} (TENSORSCOPE_TEST_SEED=${seed} reruns it)`);
} else if (asked !== undefined && asked !== "") {
  seed = Number(asked);
  if (!Number.isInteger(seed))
    throw new Error(`TENSORSCOPE_TEST_SEED must be an integer or "random", got "${asked}"`);
}
fc.configureGlobal({ ...fc.readConfigureGlobal(), seed });
