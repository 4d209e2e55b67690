// addEmbedding: the projector's files as PyTorch's add_embedding lays them out, read back through TensorBoard's
// own projector plugin (tb_projector.py).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tf, SummaryWriter } from "../../src/index";

const PYTHON = join(__dirname, "../../.venv/bin/python");

interface ProjectorView {
  runs: string[];
  embeddings: Record<string, { tensor: number[]; metadata?: string; sprite_size?: [number, number] }>;
}

/** Two embeddings: three labelled points with 2x2 greyscale images, and a tensor with two metadata columns. */
function writeTwo(dir: string): void {
  const writer = new SummaryWriter(dir);
  writer.addEmbedding(
    [
      [1, 2.5],
      [-3, 0.125],
      [1e-7, 4],
    ],
    {
      metadata: ["a", "b", "c"],
      labelImages: { shape: [3, 1, 2, 2], data: [0, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0] },
    },
  );
  const mat = tf.tensor2d([0, 1, 2, 3, 4, 5], [2, 3]);
  writer.addEmbedding(mat, {
    tag: "emb/x",
    step: 7,
    metadata: [
      [3, "train"],
      [5, "test"],
    ],
    metadataHeader: ["digit", "split"],
  });
  mat.dispose();
  writer.close();
}

test("addEmbedding writes PyTorch's projector layout: tensors, metadata, sprite and projector_config.pbtxt", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-emb-"));
  try {
    writeTwo(dir);
    const read = (path: string) => readFileSync(join(dir, path), "utf8");
    assert.equal(read("00000/default/tensors.tsv"), "1\t2.5\n-3\t0.125\n1e-7\t4\n");
    assert.equal(read("00000/default/metadata.tsv"), "a\nb\nc\n");
    assert.equal(read("00007/emb%2fx/tensors.tsv"), "0\t1\t2\n3\t4\t5\n");
    assert.equal(read("00007/emb%2fx/metadata.tsv"), "digit\tsplit\n3\ttrain\n5\ttest\n");
    assert.equal(
      read("projector_config.pbtxt"),
      [
        "embeddings {",
        '  tensor_name: "default:00000"',
        '  metadata_path: "00000/default/metadata.tsv"',
        "  sprite {",
        '    image_path: "00000/default/sprite.png"',
        "    single_image_dim: 2",
        "    single_image_dim: 2",
        "  }",
        '  tensor_path: "00000/default/tensors.tsv"',
        "}",
        "embeddings {",
        '  tensor_name: "emb/x:00007"',
        '  metadata_path: "00007/emb%2fx/metadata.tsv"',
        '  tensor_path: "00007/emb%2fx/tensors.tsv"',
        "}",
        "",
      ].join("\n"),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  "TensorBoard's projector plugin serves the embeddings tensorscope wrote",
  { skip: !existsSync(PYTHON) && "no .venv" },
  () => {
    const dir = mkdtempSync(join(tmpdir(), "ts-emb-tb-"));
    try {
      writeTwo(dir);
      const out = JSON.parse(
        execFileSync(PYTHON, [join(__dirname, "tb_projector.py"), dir], { encoding: "utf8" }),
      ) as ProjectorView;
      assert.deepEqual(out.runs, ["."]);
      const first = out.embeddings["default:00000"];
      assert.deepEqual(first.tensor, [1, 2.5, -3, 0.125, Math.fround(1e-7), 4]);
      assert.equal(first.metadata, "a\nb\nc\n");
      assert.deepEqual(first.sprite_size, [4, 4], "3 images of 2x2 in a 2x2 grid");
      const second = out.embeddings["emb/x:00007"];
      assert.deepEqual(second.tensor, [0, 1, 2, 3, 4, 5]);
      assert.equal(second.metadata, "digit\tsplit\n3\ttrain\n5\ttest\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test("addEmbedding: bad input is a clear error at the call, and nothing is written", () => {
  const dir = mkdtempSync(join(tmpdir(), "ts-emb-bad-"));
  try {
    const writer = new SummaryWriter(dir);
    const points = [
      [1, 2],
      [3, 4],
    ];
    const cases: [() => void, RegExp][] = [
      [() => writer.addEmbedding([[1, 2], [3]]), /mat must be a non-empty \[N, D\] matrix/],
      [() => writer.addEmbedding(tf.zeros([2]) as never), /mat must be .* got shape \[2\]/],
      [() => writer.addEmbedding(points, { metadata: ["a"] }), /one entry per point \(2\)/],
      [() => writer.addEmbedding(points, { metadata: ["a\tb", "c"] }), /holds a tab or newline/],
      [
        () => writer.addEmbedding(points, { metadata: [["a"], ["b"]], metadataHeader: ["name"] }),
        /metadataHeader names two or more columns/,
      ],
      [
        () => writer.addEmbedding(points, { metadata: [["a", 1], ["b"]], metadataHeader: ["n", "v"] }),
        /metadata row 1 must have 2 columns/,
      ],
      [
        () =>
          writer.addEmbedding(points, { labelImages: { shape: [3, 1, 2, 2], data: new Array(12).fill(0) } }),
        /labelImages must be \[N, C, H, W\] with N = 2 points, got shape \[3,1,2,2\]/,
      ],
      [() => writer.addEmbedding(points, { tag: "" }), /addEmbedding: tag must be a non-empty string/],
      [() => writer.addEmbedding(points, { step: 1.5 }), /addEmbedding: step must be an integer/],
    ];
    for (const [call, message] of cases) assert.throws(call, message);
    writer.close();
    assert.equal(existsSync(join(dir, "projector_config.pbtxt")), false);
    assert.equal(existsSync(join(dir, "00000")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
