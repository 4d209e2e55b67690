// Golden text files under test/summary/golden/: compared exactly, rewritten with UPDATE_GOLDEN=1 and reviewed
// as diffs.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(__dirname, "golden");

export function assertGolden(name: string, text: string): void {
  const path = join(DIR, `${name}.txt`);
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(path, `${text}\n`);
    return;
  }
  if (!existsSync(path)) assert.fail(`no golden file ${path}; run with UPDATE_GOLDEN=1 and review the diff`);
  assert.equal(`${text}\n`, readFileSync(path, "utf8"), `differs from golden/${name}.txt`);
}
