// TensorBoard's own Python loader (the `tensorboard` package in .venv) reads files our writer made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, SummaryWriter } from "../../src/index";

const PYTHON = join(__dirname, "../../.venv/bin/python");

interface TensorSeries {
  plugin: string | null;
  steps: number[];
  values: (number | string)[][];
  shapes: number[][];
}
interface RunOut {
  tensors: Record<string, TensorSeries>;
  pr_thresholds?: Record<string, number>;
  graph_nodes: [string, string, string[]][];
  hparams?: Record<string, unknown>;
}

test(
  "TensorBoard's Python loader reads every kind of record tensorscope writes",
  { skip: !existsSync(PYTHON) && "no .venv" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-tbpy-"));
    try {
      const writer = new SummaryWriter(dir);
      for (let step = 0; step < 50; step++) writer.addScalar("loss", 2 ** -step, step);
      writer.addScalar("weird", NaN, 0);
      writer.addScalar("weird", -Infinity, 1);
      writer.addHistogram("const", [5, 5, 5], 0);
      writer.addHistogram("w", [-1, 0, 1, 1], 1);
      writer.addImage("img", { shape: [1, 2, 3], data: new Float32Array(6).fill(1) });
      writer.addText("note", "hello **world**", 2);
      writer.addPrCurve("pr", [1, 0, 1, 1, 0], [0.9, 0.8, 0.4, 0, 0.5], 3, { numThresholds: 3 });
      writer.addHparams({ lr: 0.5, opt: "sgd" }, { "hparam/acc": 0.25 }, { runName: "hp" });
      const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2, name: "fc" })] });
      writer.addGraph(model);
      model.dispose();
      writer.close();

      const out = JSON.parse(
        execFileSync(PYTHON, [join(__dirname, "tb_read.py"), dir], { encoding: "utf8" }),
      ) as Record<string, RunOut>;
      const main = out["."];
      assert.deepEqual(main.tensors.loss.steps, [...Array(50).keys()]);
      assert.deepEqual(
        main.tensors.loss.values.map(([v]) => v),
        main.tensors.loss.steps.map((s) => 2 ** -s),
      );
      assert.equal(main.tensors.loss.plugin, "scalars");
      assert.deepEqual(main.tensors.weird.values, [["nan"], ["-inf"]]);
      // TensorBoard upgrades legacy histograms to [k, 3] rows (left, right, count), replacing the edge limits by min/max.
      assert.deepEqual(main.tensors.const.values, [[5, 5, 3]]);
      const w = main.tensors.w.values[0] as number[];
      const counts = w.filter((_, i) => i % 3 === 2);
      assert.equal(
        counts.reduce((a, b) => a + b, 0),
        4,
      );
      assert.equal(w[0], -1);
      assert.equal(w[w.length - 2], 1);
      assert.deepEqual(
        main.tensors.img.values[0].slice(0, 2),
        ["3", "2"],
        "width, height of a [1, 2, 3] CHW image",
      );
      assert.equal(main.tensors.img.plugin, "images");
      assert.deepEqual(main.tensors["note/text_summary"].values, [["hello **world**"]]);
      assert.equal(main.tensors["note/text_summary"].plugin, "text");
      // rows TP, FP, TN, FN, precision, recall at thresholds 0, 0.5, 1 (hand-computed in pr-curve.test.ts)
      assert.equal(main.tensors.pr.plugin, "pr_curves");
      assert.deepEqual(main.tensors.pr.shapes, [[6, 3]]);
      assert.deepEqual(main.pr_thresholds, { pr: 3 });
      const pr = main.tensors.pr.values[0] as number[];
      assert.deepEqual(pr.slice(0, 12), [3, 1, 0, 2, 2, 0, 0, 0, 2, 0, 2, 3]);
      assert.deepEqual(
        pr.slice(12).map((v) => Number(v.toFixed(6))),
        [0.6, 0.333333, 0, 1, 0.333333, 0],
      );
      const nodes = new Map(main.graph_nodes.map(([name, op, inputs]) => [name, { op, inputs }]));
      assert.deepEqual(nodes.get("fc/Dense"), { op: "Dense", inputs: [...nodes.get("fc/Dense")!.inputs] });
      assert.ok(nodes.get("fc/Dense")!.inputs.includes("fc/kernel"));
      assert.deepEqual(out.hp.hparams, { lr: 0.5, opt: "sgd" });
      assert.deepEqual(out.hp.tensors["hparam/acc"].values, [[0.25]]);
      assert.equal(out.hp.tensors["_hparams_/experiment"].plugin, "hparams");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  "TensorBoard's Rust data server serves every scalar tensorscope wrote",
  { skip: !existsSync(PYTHON) && "no .venv" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-rust-"));
    try {
      for (const run of ["a", "b/c"]) {
        const writer = new SummaryWriter(join(dir, run));
        for (let step = 0; step < 300; step++) {
          writer.addScalar("loss", 1 / (step + 1), step);
          writer.addScalar("acc", step === 7 ? NaN : step / 300, step);
        }
        writer.close();
      }
      const script = join(__dirname, "../../benchmarks/rustboard_serve.py");
      const out = JSON.parse(execFileSync(PYTHON, [script, dir, "1200"], { encoding: "utf8" })) as {
        points: number;
      };
      assert.equal(out.points, 1200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
