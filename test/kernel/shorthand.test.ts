// Shorthand properties are spelled out before tslab compiles a cell (its rewrite of earlier cells' names misses
// them), and diagnostics still point at the columns the user typed.
import assert from "node:assert/strict";
import { test } from "node:test";
import { expandShorthands } from "../../kernel-ext/shorthand";

test("spells out every shorthand property, initialisers and nesting included", () => {
  assert.equal(expandShorthands("({ a, b: 1, c })").code, "({ a: a, b: 1, c: c })");
  assert.equal(expandShorthands("({ a = 1 } = other)").code, "({ a: a = 1 } = other)");
  assert.equal(expandShorthands("f({ a, n: { b } })").code, "f({ a: a, n: { b: b } })");
  assert.equal(expandShorthands("`${JSON.stringify({ a })}`").code, "`${JSON.stringify({ a: a })}`");
});

test("leaves everything else alone: strings, comments, binding patterns, explicit properties", () => {
  const code = [
    '"{ a }"; // { b }',
    "const { c, d: e } = other;",
    "function f({ g }: { g: number }) { return g; }",
    "({ h: h, [i]: 1, ...j, k() { return 1; } })",
  ].join("\n");
  assert.equal(expandShorthands(code).code, code);
});

test("maps diagnostic columns back to the user's text, also inside a spelled-out name", () => {
  //           user columns: 1234567890123456789012345678
  const cell = expandShorthands("f({ ab, c }, { d }); g(1);\nh({ e })");
  assert.equal(cell.code, "f({ ab: ab, c: c }, { d: d }); g(1);\nh({ e: e })");
  const expandedColumn = (line: string, of: string) => line.indexOf(of) + 1;
  const [first, second] = cell.code.split("\n");
  assert.equal(cell.userColumn(1, expandedColumn(first, "g(1)")), 22);
  assert.equal(cell.userColumn(1, expandedColumn(first, "{ d")), 14);
  assert.equal(cell.userColumn(1, expandedColumn(first, "ab: ab") + 2), 5, "inside the inserted `ab: `");
  assert.equal(cell.userColumn(1, 1), 1);
  assert.equal(cell.userColumn(2, expandedColumn(second, "})")), 7);
  assert.equal(cell.userColumn(3, 9), 9, "a line without insertions");
});
