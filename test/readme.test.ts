// The README's code runs as written: every ```ts block as a notebook cell on one tensorscope kernel (in README
// order, as a reader pastes them), every ```js block as a script (.mjs when it uses `import`, else .cjs).
// Shell blocks are set-up commands; test/package/install.test.ts runs those of "Use tensorscope in your project".
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startKernel, ROOT } from "./kernel/helpers";

interface Snippet {
  language: string;
  line: number;
  code: string;
}

export function codeBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const line = markdown.slice(0, match.index).split("\n").length;
    blocks.push({ language: match[1], line, code: match[2] });
  }
  return blocks;
}

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = codeBlocks(README);
// Below the repository, so that "tensorscope" resolves to this clone; outside git (test/artifacts is ignored).
mkdirSync(join(ROOT, "test", "artifacts"), { recursive: true });
const work = mkdtempSync(join(ROOT, "test", "artifacts", "readme-"));

test("the README has TypeScript and JavaScript snippets to run", () => {
  assert.ok(blocks.filter((b) => b.language === "ts").length >= 6);
  assert.ok(blocks.filter((b) => b.language === "js").length >= 2);
  assert.deepEqual(
    blocks.filter((b) => !["ts", "js", "sh", ""].includes(b.language)).map((b) => b.language),
    [],
  );
});

test("every ```ts block of the README runs as a notebook cell", { timeout: 600_000 }, async () => {
  const kernel = await startKernel(work);
  kernel.defaultTimeoutMs = 300_000;
  try {
    for (const block of blocks.filter((b) => b.language === "ts")) {
      const exchange = await kernel.execute(block.code);
      const reply = exchange.reply?.content as { status: string; ename?: string; evalue?: string };
      assert.equal(
        reply.status,
        "ok",
        `README.md line ${block.line}: ${reply.ename}: ${reply.evalue}\n${block.code}`,
      );
    }
  } finally {
    await kernel.shutdown();
  }
});

test("every ```js block of the README runs as a script", () => {
  blocks
    .filter((b) => b.language === "js")
    .forEach((block, i) => {
      const file = join(work, `snippet-${i}.${/^import /m.test(block.code) ? "mjs" : "cjs"}`);
      writeFileSync(file, block.code);
      const run = spawnSync(process.execPath, [file], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, TENSORSCOPE_QUIET: "1" },
      });
      assert.equal(run.status, 0, `README.md line ${block.line}:\n${run.stderr}`);
    });
});

test.after(() => rmSync(work, { recursive: true, force: true }));
