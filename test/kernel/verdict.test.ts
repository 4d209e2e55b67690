// Cell verdicts: tags (raises-exception, nbval-ignore-output, nbval-check-output with --lax) and --update.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_COMPARE } from "../../kernel-ext/nbtest/compare";
import type { CellRun } from "../../kernel-ext/nbtest/execute";
import type { Notebook, Output } from "../../kernel-ext/nbtest/notebook";
import { applyUpdate, judgeCells } from "../../kernel-ext/nbtest/verdict";

const out = (text: string): Output => ({ output_type: "stream", name: "stdout", text });
const cell = (stored: string, tags: string[] = []) => ({
  cell_type: "code",
  source: "x",
  metadata: { tags },
  outputs: [out(stored)],
  execution_count: 1,
});
const run = (index: number, text: string, status: CellRun["status"] = "ok"): CellRun => ({
  index,
  status,
  outputs: [out(text)],
  executionCount: index + 1,
  seconds: 0,
});
const compare = { ...DEFAULT_COMPARE, sanitizers: [] };

function notebook(...cells: ReturnType<typeof cell>[]): Notebook {
  return { nbformat: 4, nbformat_minor: 5, metadata: {}, cells };
}

test("strict mode compares every cell except nbval-ignore-output ones", () => {
  const nb = notebook(cell("a"), cell("b", ["nbval-ignore-output"]));
  const verdicts = judgeCells(nb, [run(0, "A"), run(1, "B")], compare, { lax: false, update: false });
  assert.deepEqual(
    verdicts.map((v) => v.passed),
    [false, true],
  );
});

test("--lax compares only cells tagged nbval-check-output, but errors still fail", () => {
  const nb = notebook(cell("a"), cell("b", ["nbval-check-output"]), cell("c"));
  const runs = [run(0, "A"), run(1, "B"), run(2, "c", "error")];
  const verdicts = judgeCells(nb, runs, compare, { lax: true, update: false });
  assert.deepEqual(
    verdicts.map((v) => [v.passed, v.title.split(" (")[0]]),
    [
      [true, ""],
      [false, "outputs differ"],
      [false, "cell raised an error"],
    ],
  );
});

test("raises-exception requires an error; --update stores fresh outputs in nbformat's line layout", () => {
  const nb = notebook(cell("a", ["raises-exception"]), cell("old"));
  const verdicts = judgeCells(nb, [run(0, "a"), run(1, "new\nline")], compare, { lax: false, update: true });
  assert.equal(verdicts[0].passed, false);
  assert.match(verdicts[0].title, /tagged raises-exception but raised nothing/);
  applyUpdate(nb, [run(0, "a"), run(1, "new\nline")]);
  assert.deepEqual(nb.cells[1].outputs, [{ output_type: "stream", name: "stdout", text: ["new\n", "line"] }]);
  assert.equal(nb.cells[1].execution_count, 2);
});

test("nbtest-approx compares numbers to a tolerance; metadata.nbtest tunes it, and a bad setting fails the cell", () => {
  const tuned = { ...cell("score 90%", []), metadata: { tags: [], nbtest: { relative: 0, absolute: 10 } } };
  const typo = { ...cell("score 90%", []), metadata: { tags: ["nbtest-approx"], nbtest: { absolut: 10 } } };
  const nb = notebook(cell("loss 1.3768"), cell("loss 1.3768", ["nbtest-approx"]), tuned, tuned, typo);
  const runs = [
    run(0, "loss 1.3771"),
    run(1, "loss 1.3771"),
    run(2, "score 82%"),
    run(3, "score 75%"),
    run(4, "score 90%"),
  ];
  const verdicts = judgeCells(nb, runs, compare, { lax: false, update: false });
  assert.deepEqual(
    verdicts.map((v) => v.passed),
    [false, true, true, false, false],
  );
  assert.match(verdicts[4].details, /cell 5: unknown metadata\.nbtest setting "absolut"/);
});
