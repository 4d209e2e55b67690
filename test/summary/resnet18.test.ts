// Acceptance: models.resnet18() at 1×224×224×3 against torchinfo's ResNet-18 table from the tutorial
// (test/summary/fixtures/torchinfo-resnet18.txt, copied verbatim from the tutorial).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { models, summary, tf } from "../../src/index";
import { assertGolden } from "./golden";

// PyTorch class → the tfjs-layers class models.resnet18() uses in its place.
const TFJS_CLASS: Record<string, string> = {
  ResNet: "ResNet",
  Conv2d: "Conv2D",
  BatchNorm2d: "BatchNormalization",
  ReLU: "ReLU",
  MaxPool2d: "MaxPooling2D",
  Sequential: "Sequential",
  BasicBlock: "BasicBlock",
  AdaptiveAvgPool2d: "GlobalAveragePooling2D",
  Linear: "Dense",
};

interface TorchRow {
  label: string;
  params: number | null;
}

function torchinfoRows(): TorchRow[] {
  const text = readFileSync(join(__dirname, "fixtures", "torchinfo-resnet18.txt"), "utf8");
  const lines = text.split("\n");
  const body = lines.slice(
    3,
    lines.findIndex((l, i) => i > 3 && l.startsWith("=")),
  );
  return body.map((line) => {
    const label = line
      .slice(0, 41)
      .replace(/^[│└├─\s]+/, "")
      .trim();
    const params = line.slice(67).trim();
    return { label, params: params === "--" ? null : Number(params.replace(/,/g, "")) };
  });
}

const model = models.resnet18({ init: "zeros" });
const result = summary(model, { inputSize: [1, 224, 224, 3], hideLayerTypes: ["Add"] });

test("resnet18 has torchinfo's rows, in its order, with its depth-idx numbering", () => {
  const torch = torchinfoRows();
  assert.equal(torch.length, 70);
  const ours = result.rows.map((r) =>
    r.depth === 0 ? r.className : `${r.className}: ${r.depth}-${r.depthIndex}`,
  );
  const expected = torch.map(({ label }) => {
    const [cls, index] = label.split(": ");
    return index ? `${TFJS_CLASS[cls]}: ${index}` : TFJS_CLASS[cls];
  });
  assert.deepEqual(ours, expected);
});

test("resnet18 has torchinfo's trainable parameter count on every row that shows one", () => {
  const torch = torchinfoRows();
  result.rows.forEach((row, i) => {
    const label = torch[i].label;
    if (torch[i].params === null) assert.equal(row.shownParams, null, `${label} should show --`);
    else assert.equal(row.trainableParams, torch[i].params, `${label} trainable params`);
  });
});

test("resnet18 totals follow torchinfo's formulas (differences only from the 9,600 moving statistics)", () => {
  assert.equal(result.trainableParams, 11_689_512);
  assert.equal(result.nonTrainableParams, 9_600);
  assert.equal(result.totalParams, 11_689_512 + 9_600);
  // torchinfo's total_mult_adds attribute for the same network (reference summary.md §4.1).
  assert.equal(result.totalMultAdds, 1_814_083_944);
  assert.equal(result.totals.forwardBackwardBytes, 39_747_392);
  assert.equal(result.totals.paramBytes, (11_689_512 + 9_600) * 4);
  // torchinfo adds CPython's object overhead (56 B) to the input; the tensor itself is 3·224·224·4 bytes.
  assert.equal(result.totals.inputBytes, 602_112);
  const text = result.toString();
  assert.match(text, /^Total mult-adds \(G\): 1\.81$/m);
  assert.match(text, /^Forward\/backward pass size \(MB\): 39\.75$/m);
  assert.match(text, /^Params size \(MB\): 46\.80$/m);
  assert.match(text, /^Estimated Total Size \(MB\): 87\.15$/m);
});

test("resnet18 tables match their golden files", () => {
  assertGolden("resnet18", result.toString());
  const all = summary(model, {
    inputSize: [1, 224, 224, 3],
    depth: 1,
    columns: ["inputSize", "outputSize", "numParams", "paramsPercent", "kernelSize", "multAdds", "trainable"],
  });
  assertGolden("resnet18-depth1-all-columns", all.toString());
  assertGolden(
    "resnet18-64px-channels-first",
    summary(models.resnet18({ inputShape: [64, 64, 3], init: "zeros" }), {
      channelsFirst: true,
      depth: 2,
      columns: ["outputSize", "numParams", "multAdds"],
    }).toString(),
  );
});

test("depth-idx numbering does not change with depth (torchinfo's resnet18_depth_consistency)", () => {
  const labels = (depth: number) =>
    summary(model, { depth, hideLayerTypes: ["Add"] }).rows.map(
      (r) => `${r.className}:${r.depth}-${r.depthIndex}`,
    );
  const deep = labels(4);
  for (const depth of [0, 1, 2, 3]) {
    assert.deepEqual(
      labels(depth),
      deep.filter((l) => Number(l.split(":").at(-1)?.split("-")[0]) <= depth),
    );
  }
});

test("Param # and Mult-Adds columns add up to the totals at every depth", () => {
  for (const depth of [0, 1, 2, 3, 4]) {
    const s = summary(model, { depth });
    const params = s.rows.reduce((n, r) => n + (typeof r.shownParams === "number" ? r.shownParams : 0), 0);
    assert.equal(params, s.totalParams, `params at depth ${depth}`);
    assert.equal(
      s.rows.reduce((n, r) => n + (r.shownMultAdds ?? 0), 0),
      s.totalMultAdds,
      `mult-adds at ${depth}`,
    );
  }
});

test("summary has no side effects: no tensors, weights or training flags change", () => {
  const small = models.smallResnet();
  small.getLayer("block1a_bn").trainable = false;
  const flags = small.layers.map((l) => l.trainable);
  const before = small.getWeights().map((w) => w.dataSync().slice());
  const tensors = tf.memory().numTensors;
  const s = summary(small, { columns: ["outputSize", "numParams", "multAdds", "trainable"] });
  s.toString();
  s.toJSON();
  assert.equal(tf.memory().numTensors, tensors);
  assert.deepEqual(
    small.layers.map((l) => l.trainable),
    flags,
  );
  small.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), before[i]));
  small.dispose();
});
