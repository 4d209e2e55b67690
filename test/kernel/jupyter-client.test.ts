// Python's own Jupyter stack can start and drive the installed kernelspec: nbclient (as used by nbconvert and
// papermill) executes a notebook through jupyter_client. Skipped when the project venv or the build is missing.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { NO_PYTHON_KERNEL, PYTHON, withInstalledKernel } from "./helpers";

const SCRIPT = `
import json, sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="tensorscope", timeout=60, resources={"metadata": {"path": sys.argv[2]}}).execute()
print(json.dumps([c.outputs for c in nb.cells]))
`;

test("nbclient runs a notebook on the installed kernelspec", { skip: NO_PYTHON_KERNEL }, () => {
  withInstalledKernel("nbclient", (env) => {
    const run = spawnSync(PYTHON, ["-c", SCRIPT, join(__dirname, "fixtures", "small.ipynb"), __dirname], {
      encoding: "utf8",
      timeout: 120_000,
      env,
    });
    assert.equal(run.status, 0, run.stderr);
    const outputs = JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "[]");
    assert.deepEqual(outputs[0], [{ output_type: "stream", name: "stdout", text: "3\n" }]);
    assert.equal(outputs[1][0].output_type, "execute_result");
    assert.equal(outputs[1][0].data["text/html"], "<div>\n  <b>Card</b>\n</div>");
    assert.deepEqual([outputs[3][0].output_type, outputs[3][0].ename], ["error", "TypeError"]);
    // A plain last value is the cell's execute_result, with its count (Out[5]), as nbclient stores it.
    assert.deepEqual([outputs[4][0].output_type, outputs[4][0].execution_count], ["execute_result", 5]);
  });
});
