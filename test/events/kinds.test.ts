// Audio, video, meshes, custom scalars, tensors, new-style scalars, binned and raw histograms, hparams domains,
// images with boxes and SVG/canvas figures: written by us, read by TensorBoard's own loader and served by its
// plugins' HTTP handlers (tb_plugins.py); written by PyTorch and tensorboardX (committed fixtures), read by us.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCanvas } from "@napi-rs/canvas";
import { PNG } from "pngjs";
import { SummaryWriter } from "../../src/events/writer";
import { loadLogdir } from "../../src/events/logdir";
import { binEdges } from "../../src/events/histogram-bins";
import { frameRecord } from "../../src/events/record";
import { EventProto, DT } from "../../src/events/schema";
import { encodeWav } from "../../src/events/media-encode";

const PYTHON = join(__dirname, "../../.venv/bin/python");
const FIXTURES = join(__dirname, "../fixtures/events/kinds");
const noPython = !existsSync(PYTHON) && "no .venv";

const python = (script: string, ...args: string[]): unknown =>
  JSON.parse(
    execFileSync(PYTHON, [join(__dirname, script), ...args], { encoding: "utf8", maxBuffer: 1 << 26 }),
  );

/** k/32 for k = -32..31: every writer stores these exactly (make_fixtures.py's sound()). */
const SOUND = Array.from({ length: 64 }, (_, k) => (k - 32) / 32);
const TETRA = {
  vertices: [
    [0, 0, 0],
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  faces: [
    [0, 1, 2],
    [0, 2, 3],
  ],
  colors: [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [9, 9, 9],
  ],
  configDict: { camera: { cls: "PerspectiveCamera", fov: 75 } },
};
const LAYOUT = {
  category: [
    {
      title: "training",
      chart: [
        { title: "losses", multiline: { tag: ["loss/.*"] } },
        { title: "band", margin: { series: [{ value: "acc", lower: "acc_lo", upper: "acc_hi" }] } },
      ],
      closed: false,
    },
  ],
  version: 0,
};

function writeKinds(dir: string): void {
  const writer = new SummaryWriter(dir);
  writer.addAudio("sound", SOUND, 1, { sampleRate: 8000 });
  writer.addMesh(
    "tetra",
    TETRA.vertices,
    { faces: TETRA.faces, colors: TETRA.colors, configDict: TETRA.configDict },
    2,
  );
  writer.addCustomScalarsMultilinechart(["loss/.*"], "training", "losses");
  writer.addCustomScalarsMarginchart(["acc", "acc_lo", "acc_hi"], "training", "band");
  writer.addTensor("tensor", { shape: [2, 3], data: [0, 0.25, 0.5, 0.75, 1, 1.25] }, 5);
  writer.addScalar("new_style", 0.25, 3, { newStyle: true });
  writer.addScalar("double", 1 / 3, 4, { newStyle: true, doublePrecision: true });
  writer.addHparams(
    { lr: 0.1, opt: "adam" },
    { "hp/acc": 0.9 },
    { runName: "hp", hparamDomainDiscrete: { opt: ["adam", "sgd"] } },
  );
  writer.close();
}

interface PluginsOut {
  audio: Record<string, { step: number; rate: number; channels: number; samples: number[] }[]>;
  mesh: Record<
    string,
    { meta: { config: string; data_shape: number[] }[]; VERTEX: number[]; FACE: number[]; COLOR: number[] }
  >;
  custom_scalars_layout: unknown;
  hparams_experiment: { hparamInfos: { name: string; domainDiscrete?: unknown[] }[] };
}

test(
  "TensorBoard's audio, mesh, custom-scalars and hparams plugins serve what our writer wrote",
  { skip: noPython },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
    try {
      writeKinds(dir);
      const out = python("tb_plugins.py", dir) as PluginsOut;
      // PyTorch's add_audio: int16(trunc(x * 32767)).
      assert.deepEqual(out.audio["./sound"], [
        {
          step: 1,
          contentType: "audio/wav",
          rate: 8000,
          channels: 1,
          samples: SOUND.map((x) => Math.trunc(x * 32767)),
        },
      ]);
      const mesh = out.mesh["./tetra"];
      assert.deepEqual(mesh.VERTEX, TETRA.vertices.flat());
      assert.deepEqual(mesh.FACE, TETRA.faces.flat());
      assert.deepEqual(mesh.COLOR, TETRA.colors.flat());
      assert.deepEqual(JSON.parse(mesh.meta[0].config), TETRA.configDict);
      assert.deepEqual(
        mesh.meta.map((m) => m.data_shape),
        [
          [1, 4, 3],
          [1, 2, 3],
          [1, 4, 3],
        ],
      );
      // The two helper calls are merged into one layout (PyTorch's would keep only the last chart).
      assert.deepEqual(out.custom_scalars_layout, LAYOUT);
      const opt = out.hparams_experiment.hparamInfos.find((h) => h.name === "opt");
      assert.deepEqual(opt?.domainDiscrete, ["adam", "sgd"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

interface TensorSeries {
  plugin: string | null;
  steps: number[];
  values: (number | string)[][];
  shapes: number[][];
}

test(
  "TensorBoard's loader reads addTensor, new-style scalars, doubles, videos, boxes and figures",
  { skip: noPython },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
    try {
      writeKinds(dir);
      const writer = new SummaryWriter(dir);
      const clip = (n: number, t: number): number[] =>
        Array.from({ length: n * t * 3 * 4 * 5 }, (_, i) => (i % 7) / 6);
      writer.addVideo("video", { shape: [3, 2, 3, 4, 5], data: clip(3, 2) }, 6, { fps: 5 });
      writer.addImageWithBoxes(
        "boxes",
        { shape: [3, 20, 30], data: new Float32Array(1800) },
        [[2, 3, 27, 18]],
        7,
        {
          labels: ["cat"],
        },
      );
      writer.addHistogramRaw(
        "raw",
        { min: -1, max: 2, num: 3, sum: 1, sumSquares: 6, bucketLimits: [0, 1, 2], bucketCounts: [1, 1, 1] },
        8,
      );
      await writer.addFigure(
        "svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30"><rect width="10" height="10"/></svg>',
        9,
      );
      const canvas = createCanvas(16, 8);
      await writer.addFigure("canvas", canvas, 10);
      writer.close();
      const tb = (python("tb_read.py", dir) as Record<string, { tensors: Record<string, TensorSeries> }>)["."]
        .tensors;
      assert.deepEqual(tb.tensor, {
        plugin: null,
        steps: [5],
        values: [[0, 0.25, 0.5, 0.75, 1, 1.25]],
        shapes: [[2, 3]],
      });
      assert.deepEqual(tb.new_style.values, [[0.25]]);
      assert.equal(tb.new_style.plugin, "scalars");
      assert.deepEqual(tb.double.values, [[1 / 3]], "a float64 scalar keeps every bit");
      // A batch of 3 clips is padded to 4 and tiled 1 x 4 (PyTorch's _prepare_video): 20 x 4 pixels.
      assert.deepEqual(tb.video.values[0].slice(0, 2), ["20", "4"]);
      assert.deepEqual(tb.boxes.values[0].slice(0, 2), ["30", "20"]);
      assert.deepEqual(tb.svg.values[0].slice(0, 2), ["40", "30"]);
      assert.deepEqual(tb.canvas.values[0].slice(0, 2), ["16", "8"]);
      // [k, 3] rows (left, right, count) from the raw buckets.
      assert.deepEqual(tb.raw.values[0], [-1, 0, 1, 0, 1, 1, 1, 2, 1]);

      const run = loadLogdir(dir).run(".");
      const gif = run.images.get("video")![0].value[0].encoded;
      assert.equal(gif.subarray(0, 6).toString("latin1"), "GIF89a");
      const frames = execFileSync(
        PYTHON,
        ["-c", "import sys,PIL.Image as I; print(I.open(sys.argv[1]).n_frames)", writeTemp(dir, gif)],
        {
          encoding: "utf8",
        },
      );
      assert.equal(Number(frames), 2, "one GIF frame per time step");
      const png = PNG.sync.read(run.images.get("boxes")![0].value[0].encoded);
      const pixel = (x: number, y: number): number[] => [
        ...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3),
      ];
      assert.deepEqual(pixel(7, 3), [255, 0, 0], "the box's top edge is red");
      assert.deepEqual(pixel(24, 5), [0, 0, 0], "inside the box the image is untouched");
      assert.deepEqual(pixel(3, 16), [255, 0, 0], "the label sits on a red band at the box's bottom left");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

function writeTemp(dir: string, bytes: Buffer): string {
  const path = join(dir, "video.gif");
  writeFileSync(path, bytes);
  return path;
}

test("addHistogram's bins are numpy's: the same edges as np.histogram_bin_edges", { skip: noPython }, () => {
  const samples = [
    Array.from({ length: 40 }, (_, i) => -5 + i * 0.25),
    Array.from({ length: 101 }, (_, i) => Math.sin(i) * 3 + (i % 5)),
    [1, 1, 1, 2],
    [4, 4, 4],
  ];
  const rules = ["auto", "fd", "sturges", "sqrt", "rice", "scott", "doane", 7] as const;
  const script = `import json,sys,numpy as np
cases=json.loads(sys.argv[1]); print(json.dumps([[np.histogram_bin_edges(np.array(v,dtype=np.float64),bins=b).tolist() for b in cases["rules"]] for v in cases["samples"]]))`;
  const expected = JSON.parse(
    execFileSync(PYTHON, ["-c", script, JSON.stringify({ samples, rules })], { encoding: "utf8" }),
  ) as number[][][];
  samples.forEach((values, s) =>
    rules.forEach((rule, r) => {
      const ours = [...binEdges(values, rule)];
      assert.equal(ours.length, expected[s][r].length, `${rule} on sample ${s}: bin count`);
      ours.forEach((edge, i) =>
        assert.ok(
          Math.abs(edge - expected[s][r][i]) <= 1e-12 * Math.max(1, Math.abs(edge)),
          `${rule} edge ${i}`,
        ),
      );
    }),
  );
});

test("every kind PyTorch and tensorboardX write is read back, equal to what our writer stores for the same calls", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
  try {
    writeKinds(dir);
    const ours = loadLogdir(dir).run(".");
    for (const writer of ["pytorch", "tensorboardx"]) {
      const run = loadLogdir(join(FIXTURES, writer)).run(".");
      const clip = run.audio.get("sound")![0];
      assert.equal(clip.step, 1);
      assert.equal(clip.value[0].sampleRate, 8000);
      assert.equal(clip.value[0].lengthFrames, 64);
      // tensorboardX writes through soundfile, which scales by 32768 where PyTorch scales by 32767.
      if (writer === "pytorch")
        assert.deepEqual(clip.value[0].encoded, ours.audio.get("sound")![0].value[0].encoded);
      const mesh = run.meshes.get("tetra")![0];
      assert.equal(mesh.step, 2);
      assert.deepEqual(mesh.value, ours.meshes.get("tetra")![0].value);
      assert.deepEqual(run.customScalars, {
        categories: [
          {
            title: "training",
            closed: false,
            charts: [
              { title: "losses", kind: "multiline", tags: ["loss/.*"] },
              { title: "band", kind: "margin", series: [{ value: "acc", lower: "acc_lo", upper: "acc_hi" }] },
            ],
          },
        ],
      });
      assert.deepEqual(ours.customScalars, run.customScalars);
      for (const rule of ["auto", "fd", 7]) {
        const h = run.histograms.get(`bins_${rule}`)![0].value;
        const values = Array.from({ length: 40 }, (_, i) => -5 + i * 0.25);
        const edges = [...binEdges(values, rule as "auto")];
        assert.equal(h.num, 40);
        assert.equal(h.bucketLimits.length, edges.length, `${writer} bins=${rule}: one limit per edge`);
        h.bucketLimits.forEach((limit, i) =>
          assert.ok(Math.abs(limit - edges[i]) < 1e-9, `${writer} ${rule} limit ${i}`),
        );
      }
      assert.equal(run.images.get("boxes")![0].value[0].width, 30);
      assert.deepEqual(run.stats.corrupt, {});
    }
    const torch = loadLogdir(join(FIXTURES, "pytorch"));
    const run = torch.run(".");
    assert.deepEqual(run.tensors.get("tensor")![0].value, {
      dtype: "float32",
      shape: [2, 3],
      values: [0, 0.25, 0.5, 0.75, 1, 1.25],
      plugin: "tensor",
    });
    assert.deepEqual(ours.tensors.get("tensor")![0].value, run.tensors.get("tensor")![0].value);
    assert.deepEqual([...run.scalars.get("new_style")!.values], [0.25]);
    assert.deepEqual([...run.scalars.get("double")!.values], [1 / 3]);
    const experiment = torch.run("hp").hparams.find((h) => h.kind === "experiment")!.data as {
      hparam_infos: { name: string; domain_discrete?: { values: { string_value: string }[] } }[];
    };
    const opt = experiment.hparam_infos.find((h) => h.name === "opt")!;
    assert.deepEqual(
      opt.domain_discrete?.values.map((v) => v.string_value),
      ["adam", "sgd"],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a corrupt audio or mesh payload is counted and skipped; the rest of the file is read", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
  try {
    const event = (step: number, value: Record<string, unknown>): Buffer =>
      frameRecord(EventProto.encode({ wall_time: 1, step, summary: { value: [value] } }).finish());
    const scalar = (step: number): Buffer => event(step, { tag: "x", simple_value: step });
    const badWav = {
      tag: "a",
      audio: { sample_rate: 8000, encoded_audio_string: Buffer.from("not a wav"), content_type: "audio/wav" },
    };
    const goodWav = {
      tag: "a",
      audio: {
        sample_rate: 8000,
        encoded_audio_string: encodeWav([0, 0.5], 8000),
        content_type: "audio/wav",
      },
    };
    const badMesh = {
      tag: "m_VERTEX",
      metadata: { plugin_data: { plugin_name: "mesh", content: Buffer.from([0xff, 0xff]) } },
      tensor: { dtype: DT.FLOAT, float_val: [1, 2] },
    };
    writeFileSync(
      join(dir, "events.out.tfevents.1.host"),
      Buffer.concat([scalar(0), event(1, badWav), event(2, goodWav), event(3, badMesh), scalar(4)]),
    );
    const run = loadLogdir(dir).run(".");
    assert.deepEqual(run.stats.corrupt, { audio: 1, mesh: 1 });
    assert.deepEqual([...run.scalars.get("x")!.steps], [0, 4]);
    assert.deepEqual(
      run.audio.get("a")!.map((p) => p.step),
      [2],
    );
    assert.equal(run.meshes.size, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the new writer methods reject bad input at the call, naming what was expected", async () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
  const writer = new SummaryWriter(dir);
  try {
    assert.throws(
      () => writer.addAudio("a", [0, 1], 0, { sampleRate: 0 }),
      /sampleRate must be a positive integer/,
    );
    assert.throws(
      () => writer.addAudio("a", { shape: [2, 3], dataSync: () => new Float32Array(6) } as never),
      /one channel/,
    );
    assert.throws(
      () => writer.addVideo("v", { shape: [1, 2, 3], data: [1, 2, 3, 4, 5, 6] }),
      /\[N, T, C, H, W\]/,
    );
    assert.throws(() => writer.addMesh("m", [[0, 0]]), /\[B, N, 3\]/);
    assert.throws(
      () => writer.addMesh("m", TETRA.vertices, { faces: [[0, 1, 9]] }),
      /faces\[2\] = 9 is out of range/,
    );
    assert.throws(
      () => writer.addMesh("m", TETRA.vertices, { colors: [[0, 0, 0]] }),
      /one RGB triple per vertex/,
    );
    assert.throws(() => writer.addCustomScalarsMarginchart(["a", "b"]), /needs \[value, lower, upper\]/);
    assert.throws(
      () => writer.addCustomScalars({ c: { t: ["Bars" as never, ["x"]] } }),
      /"Multiline" or "Margin"/,
    );
    assert.throws(
      () => writer.addHistogram("h", [1, 2], 0, { bins: "magic" as never }),
      /bins must be "tensorflow"/,
    );
    assert.throws(() => writer.addHistogram("h", [1, 2], 0, { bins: 0 }), /positive integer/);
    assert.throws(
      () =>
        writer.addHistogramRaw("h", {
          min: 0,
          max: 1,
          num: 1,
          sum: 1,
          sumSquares: 1,
          bucketLimits: [1],
          bucketCounts: [],
        }),
      /one length/,
    );
    assert.throws(
      () => writer.addHparams({ lr: 1 }, {}, { hparamDomainDiscrete: { opt: ["a"] } }),
      /not among the hparams/,
    );
    assert.throws(
      () => writer.addHparams({ lr: 1 }, {}, { hparamDomainDiscrete: { lr: ["a" as never] } }),
      /array of numbers/,
    );
    assert.throws(
      () => writer.addImageWithBoxes("b", { shape: [1, 2, 2], data: [0, 0, 0, 0] }, [[1, 2, 3]]),
      /\[K, 4\]/,
    );
    assert.throws(() => writer.addTensor("t", { shape: [2], data: [1] }), /needs 2 values/);
    assert.throws(() => new SummaryWriter(dir, { purgeStep: 1.5 }), /integer/);
    await assert.rejects(writer.addFigure("f", "not svg"), /SVG markup/);
  } finally {
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("embeddings listed in projector_config.pbtxt are read back, ours as PyTorch's and tensorboardX's", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-kinds-"));
  try {
    const writer = new SummaryWriter(dir);
    const labelImages = {
      shape: [4, 3, 2, 2],
      data: Array.from({ length: 48 }, (_, i) => Math.floor(i / 12) / 4),
    };
    writer.addEmbedding(
      [0, 1, 2, 3].map((i) => [0, 1, 2].map((j) => (3 * i + j) / 4)),
      { metadata: ["a", "b", "c", "d"], labelImages, tag: "points", step: 3 },
    );
    writer.close();
    for (const logdir of [dir, join(FIXTURES, "pytorch"), join(FIXTURES, "tensorboardx")]) {
      const [embedding, ...others] = loadLogdir(logdir).run(".").embeddings;
      assert.equal(others.length, 0, logdir);
      assert.deepEqual([embedding.tensorName, embedding.tag, embedding.step], ["points:00003", "points", 3]);
      const { shape, values } = embedding.vectors();
      assert.deepEqual(shape, [4, 3]);
      assert.deepEqual(
        [...values],
        Array.from({ length: 12 }, (_, i) => i / 4),
      );
      assert.deepEqual(embedding.metadata(), { rows: [["a"], ["b"], ["c"], ["d"]] });
      assert.deepEqual(embedding.sprite?.singleImageDim, [2, 2]);
      const sprite = PNG.sync.read(embedding.spriteImage()!);
      assert.deepEqual([sprite.width, sprite.height], [4, 4], "2 x 2 tiles of 2 x 2 pixels");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
