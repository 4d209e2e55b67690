// SummaryWriter round trips through our reader, file naming, errors at the call, and tfjs inputs without leaks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { tf, SummaryWriter, loadLogdir } from "../../src/index";
import { defaultLogdir } from "../../src/events/writer";
import { emptyFramingStats, parseRecords } from "../../src/events/record";
import { EventProto, GraphDefProto } from "../../src/events/schema";

function withLogdir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-writer-"));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  "event files have the standard name and a brain.Event:2 first record written at construction",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    const [name] = readdirSync(dir);
    assert.match(
      name,
      new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${hostname()}\\.${process.pid}\\.\\d+$`),
    );
    const { payloads } = parseRecords(readFileSync(join(dir, name)), emptyFramingStats());
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const first: any = EventProto.decode(payloads[0]);
    assert.equal(first.file_version, "brain.Event:2");
    assert.ok(Math.abs(first.wall_time - Date.now() / 1000) < 60);
    writer.close();
  }),
);

test("the default logdir follows PyTorch's runs/<Mon><DD>_<HH>-<MM>-<SS>_<host>", () => {
  assert.equal(
    defaultLogdir("_x", new Date(2024, 0, 5, 7, 8, 9)),
    join("runs", `Jan05_07-08-09_${hostname()}_x`),
  );
});

test(
  "scalars, NaN/Inf, histograms, images, text and addScalars read back as written",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    for (let step = 0; step < 100; step++) writer.addScalar("loss", 1 / (step + 1), step, 1000 + step);
    writer.addScalar("weird", NaN, 0);
    writer.addScalar("weird", Infinity, 1);
    writer.addScalar("weird", -Infinity, 2);
    writer.addScalar("tensor", tf.scalar(0.5), 0);
    writer.addScalars("run/loss", { train: 1, test: 2 }, 7);
    writer.addHistogram("w", [1, 2, 3, 3, 3], 3);
    writer.addHistogram("const", tf.fill([4, 1], 0.5), 4);
    writer.addHistogram("empty", [], 5);
    writer.addText("notes", "# Title\n*markdown* <b>", 2);
    writer.close();
    const logdir = loadLogdir(dir);
    assert.deepEqual([...logdir.runs.keys()].sort(), [".", "run_loss_test", "run_loss_train"]);
    const run = logdir.run(".");
    const loss = run.scalars.get("loss")!;
    assert.deepEqual([...loss.steps], [...Array(100).keys()]);
    assert.deepEqual(
      [...loss.wallTimes],
      [...loss.steps].map((s) => 1000 + s),
    );
    assert.deepEqual(
      [...loss.values],
      [...loss.steps].map((s) => Math.fround(1 / (s + 1))),
    );
    assert.deepEqual([...run.scalars.get("weird")!.values], [NaN, Infinity, -Infinity]);
    assert.deepEqual([...run.scalars.get("tensor")!.values], [0.5]);
    assert.deepEqual([...logdir.run("run_loss_test").scalars.get("run/loss")!.values], [2]);
    assert.deepEqual([...logdir.run("run_loss_train").scalars.get("run/loss")!.steps], [7]);
    assert.equal(run.histograms.get("w")![0].value.num, 5);
    assert.equal(run.histograms.get("w")![0].step, 3);
    assert.deepEqual(run.histograms.get("const")![0].value.bucketCounts, [0, 4]);
    assert.equal(run.histograms.get("empty")![0].value.num, 0);
    assert.equal(run.texts.get("notes/text_summary")![0].value, "# Title\n*markdown* <b>");
    assert.deepEqual(run.stats.foreign, {});
  }),
);

test(
  "images: CHW floats, HWC bytes, HW and NCHW grids decode to the expected pixels",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    const chw = tf.tensor3d([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0], [3, 2, 2]); // R at (0,0), G at (1,0), B at (0,1)
    writer.addImage("chw", chw, 0);
    writer.addImage("hwc", { shape: [1, 2, 3], data: Uint8Array.from([255, 0, 0, 0, 0, 128]) }, 0, {
      dataformats: "HWC",
    });
    writer.addImage("hw", { shape: [2, 1], data: [0, 1] }, 0, { dataformats: "HW" });
    writer.addImages("grid", tf.ones([10, 1, 2, 3]), 0);
    chw.dispose();
    writer.close();
    const run = loadLogdir(dir).run(".");
    const pixels = (tag: string): PNG => PNG.sync.read(run.images.get(tag)![0].value[0].encoded);
    const a = pixels("chw");
    assert.deepEqual([a.width, a.height], [2, 2]);
    assert.deepEqual([...a.data.subarray(0, 4)], [255, 0, 0, 255]);
    assert.deepEqual([...a.data.subarray(4, 8)], [0, 0, 255, 255]);
    assert.deepEqual([...a.data.subarray(8, 12)], [0, 255, 0, 255]);
    const b = pixels("hwc");
    assert.deepEqual([...b.data.subarray(4, 8)], [0, 0, 128, 255]);
    assert.deepEqual([...pixels("hw").data.subarray(4, 8)], [255, 255, 255, 255]);
    const grid = pixels("grid");
    assert.deepEqual([grid.width, grid.height], [8 * 3, 2 * 2], "10 images in rows of 8");
  }),
);

test(
  "bad input fails at the call with a message naming what was expected",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    assert.throws(() => writer.addScalar(42 as unknown as string, 1), /tag must be a non-empty string/);
    assert.throws(() => writer.addScalar("x", "1" as unknown as number), /number or a one-element tensor/);
    assert.throws(() => writer.addScalar("x", 1, 1.5), /step must be an integer/);
    assert.throws(
      () => writer.addImage("img", { shape: [4, 4], data: new Array(16).fill(0) }),
      /rank 3.*Accepted shapes: \[C, H, W\].*\[H, W, C\].*\[H, W\]/s,
    );
    assert.throws(
      () => writer.addImage("img", { shape: [28, 28, 1], data: new Array(784).fill(0) }),
      /28 channels/,
    );
    assert.throws(
      () => writer.addImages("imgs", { shape: [3, 4, 4], data: new Array(48).fill(0) }),
      /rank 4/,
    );
    assert.throws(() => writer.addText("t", 5 as unknown as string), /text must be a string/);
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    assert.throws(() => new SummaryWriter(join(file, "sub")), /cannot write event files to the logdir/);
    writer.close();
  }),
);

test(
  "close() then a write starts a new file, as PyTorch does; closing twice is harmless",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    writer.addScalar("a", 1, 0);
    writer.close();
    writer.close();
    writer.addScalar("a", 2, 1);
    writer.close();
    assert.equal(readdirSync(dir).length, 2);
    assert.deepEqual([...loadLogdir(dir).run(".").scalars.get("a")!.values], [1, 2]);
  }),
);

test(
  "addGraph writes a GraphDef with one scope per layer, its weights and the edges between layers",
  withLogdir((dir) => {
    const before = tf.memory().numTensors;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 3, name: "hidden" }),
        tf.layers.dense({ units: 2, name: "out" }),
      ],
    });
    const writer = new SummaryWriter(dir);
    writer.addGraph(model);
    writer.close();
    const graph = loadLogdir(dir).run(".").graphs[0];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const def: any = GraphDefProto.toObject(GraphDefProto.decode(graph), { longs: Number });
    const byName = new Map(def.node.map((n: { name: string }) => [n.name, n]));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const out: any = byName.get("out/Dense");
    assert.deepEqual(out.input, ["hidden/Dense", "out/kernel", "out/bias"]);
    assert.deepEqual(
      out.attr._output_shapes.list.shape[0].dim.map((d: { size: number }) => d.size),
      [-1, 2],
    );
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const kernel: any = byName.get("hidden/kernel");
    assert.deepEqual(
      kernel.attr._output_shapes.list.shape[0].dim.map((d: { size: number }) => d.size),
      [4, 3],
    );
    for (const node of def.node)
      for (const input of node.input ?? []) assert.ok(byName.has(input), `${input} exists`);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  }),
);

test(
  "addHparams writes a sub-run with the three hparams summaries and the metrics",
  withLogdir((dir) => {
    const writer = new SummaryWriter(dir);
    writer.addHparams(
      { lr: 0.01, optimizer: "adam", bn: true, skip: undefined },
      { "hparam/accuracy": 0.75 },
      { runName: "trial" },
    );
    assert.throws(
      () => writer.addHparams({ bad: [1] as unknown as number }, {}),
      /must be a number, string or boolean/,
    );
    writer.close();
    const run = loadLogdir(dir).run("trial");
    assert.deepEqual(
      run.hparams.map((h) => h.kind),
      ["experiment", "session_start_info", "session_end_info"],
    );
    const start = run.hparams[1].data as { hparams: Record<string, Record<string, unknown>> };
    assert.deepEqual(start.hparams, {
      lr: { number_value: 0.01 },
      optimizer: { string_value: "adam" },
      bn: { bool_value: true },
    });
    assert.deepEqual([...run.scalars.get("hparam/accuracy")!.values], [0.75]);
  }),
);

test(
  "addFigure renders a vega-lite spec to a PNG image",
  withLogdir(async (dir) => {
    const writer = new SummaryWriter(dir);
    const spec = {
      data: {
        values: [
          { x: 1, y: 2 },
          { x: 2, y: 3 },
        ],
      },
      mark: "line",
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
      width: 100,
      height: 80,
    };
    await writer.addFigure("fig", spec, 1);
    await assert.rejects(writer.addFigure("fig", { mark: 5 } as never), /invalid vega-lite spec/);
    writer.close();
    const image = loadLogdir(dir).run(".").images.get("fig")![0];
    const png = PNG.sync.read(image.value[0].encoded);
    assert.ok(png.width > 100 && png.height > 80, `${png.width}x${png.height}`);
    assert.equal(image.step, 1);
  }),
);
