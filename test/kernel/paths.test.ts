import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, projectVenv } from "../../kernel-ext/paths";

test("the project of an installed copy is the folder above its node_modules; a clone is its own project", () => {
  assert.equal(projectRoot("/home/me/app/node_modules/tensorscope"), "/home/me/app");
  assert.equal(projectRoot("/home/me/app/node_modules/@team/tensorscope"), "/home/me/app");
  assert.equal(projectRoot("/home/me/tensorscope"), "/home/me/tensorscope");
});

test("the project's .venv counts only when it holds a Python", () => {
  const app = mkdtempSync(join(tmpdir(), "tensorscope-paths-"));
  const installed = join(app, "node_modules", "tensorscope");
  mkdirSync(installed, { recursive: true });
  assert.equal(projectVenv(installed), undefined);
  mkdirSync(join(app, ".venv", "bin"), { recursive: true });
  assert.equal(projectVenv(installed), undefined, "an empty .venv folder is not an environment");
  writeFileSync(join(app, ".venv", "bin", "python"), "");
  assert.equal(projectVenv(installed), join(app, ".venv"));
  rmSync(app, { recursive: true, force: true });
});
