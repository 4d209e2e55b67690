// Bad input fails at the summary() call with a message that says what to pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { models, summary, tf } from "../../src/index";

const model = models.smallCnn();

test("a never-built model with no input shape asks for an inputShape", () => {
  assert.throws(
    () => summary(tf.sequential()),
    /never built and has no input shape\. Give its first layer an inputShape/,
  );
});

test("an unknown column names the valid ones; torchinfo's names are accepted", () => {
  assert.throws(
    () => summary(model, { columns: ["outputSize", "flops"] }),
    /unknown column "flops"; expected one of inputSize, outputSize, numParams, paramsPercent, kernelSize, multAdds, trainable/,
  );
  const text = summary(model, { columns: ["output_size", "num_params", "mult_adds"] }).toString();
  assert.match(text, /Output Shape {14}Param # {19}Mult-Adds/);
});

test("a negative or fractional depth is refused", () => {
  assert.throws(() => summary(model, { depth: -1 }), /depth must be a non-negative integer .* got -1/);
  assert.throws(() => summary(model, { depth: 1.5 }), /depth must be a non-negative integer/);
});

test("unknown options, bad widths and flags are refused", () => {
  assert.throws(
    () => summary(model, { col_names: [] } as never),
    /unknown option "col_names"; expected one of inputSize/,
  );
  assert.throws(() => summary(model, { colWidth: 0 }), /colWidth must be a positive integer/);
  assert.throws(() => summary(model, { varNames: "yes" } as never), /varNames must be true or false/);
});

test("an inputSize that does not fit the model says what the model takes", () => {
  assert.throws(
    () => summary(model, { inputSize: [1, 64, 64, 3] }),
    /does not fit input .* which takes \[batch, 28, 28, 1\]/,
  );
  assert.throws(
    () => summary(model, { inputSize: [1, -28, 28, 1] }),
    /inputSize must be a shape with the batch dimension/,
  );
  assert.throws(
    () =>
      summary(model, {
        inputSize: [
          [1, 28, 28, 1],
          [1, 28, 28, 1],
        ],
      }),
    /has 1 input\(s\) .* gives 2/,
  );
});

test("something that is not a model is refused with what to pass instead", () => {
  assert.throws(
    () => summary(tf.layers.dense({ units: 3 }) as never),
    /expected a tf\.LayersModel .* or a tf\.GraphModel/,
  );
});
