// Writes notebooks/widgets/widgets.ipynb from widgets/notebook-cells.ts-cells (cells separated by lines
// "// %% cell"), so the test notebook is reviewed as plain TypeScript. Run: node widgets/make-notebook.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, "notebook-cells.ts-cells"), "utf8");
const cells = source
  .split(/^\/\/ %% cell.*$/m)
  .map((cell) => cell.trim())
  .filter(Boolean)
  .map((cell) => ({
    cell_type: "code",
    execution_count: null,
    // outputs hold random values and live widget ids: the notebook runner checks that cells run, not outputs
    metadata: { tags: ["nbval-ignore-output"] },
    outputs: [],
    source: cell.split("\n").map((line, i, all) => (i < all.length - 1 ? line + "\n" : line)),
  }));
const notebook = {
  cells,
  metadata: {
    kernelspec: { name: "tensorscope", display_name: "TypeScript (tensorscope)", language: "typescript" },
    language_info: { name: "typescript" },
  },
  nbformat: 4,
  nbformat_minor: 5,
};
writeFileSync(
  join(here, "..", "notebooks", "widgets", "widgets.ipynb"),
  JSON.stringify(notebook, null, 1) + "\n",
);
console.log(`wrote ${cells.length} cells`);
