// The README's example output is the real output of its example call.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { models, summary } from "../../src/index";

test("README's Model structure example prints what summary() prints", () => {
  const readme = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");
  const text = summary(models.smallCnn(), { columns: ["outputSize", "numParams", "multAdds"] }).toString();
  assert.ok(readme.includes(`\`\`\`\n${text}\n\`\`\``), "README.md's example table is out of date");
});
