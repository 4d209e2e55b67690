// Oracle tests: the mult-adds of one layer of each kind, worked out by hand from the convention in
// docs/summary.md (each weight and bias element is one multiply-accumulate per output position it serves;
// normalisation: gamma and beta once per sample; layers without weights and embedding lookups: 0).
import { test } from "node:test";
import assert from "node:assert/strict";
import { summary, tf } from "../../src/index";

/** The summary row of a layer placed after an input of the given shape (batch 2). */
function rowOf(inputShape: number[], layer: tf.layers.Layer, dtype: "float32" | "int32" = "float32") {
  const input = tf.input({ shape: inputShape, dtype });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as ReturnType<typeof tf.input> });
  const s = summary(model, { inputSize: [2, ...inputShape] });
  const row = s.rows[1];
  assert.equal(row.params, layer.countParams(), "params agree with tfjs' countParams");
  assert.equal(s.totalMultAdds, row.multAdds);
  model.dispose();
  return row;
}

test("dense: (in·out + out) per output position, positions = every axis but the last", () => {
  assert.equal(rowOf([5], tf.layers.dense({ units: 3 })).multAdds, 2 * (5 * 3 + 3));
  // A sequence input [2, 4, 5]: 2·4 positions.
  assert.equal(rowOf([4, 5], tf.layers.dense({ units: 3 })).multAdds, 2 * 4 * (5 * 3 + 3));
  assert.equal(rowOf([5], tf.layers.dense({ units: 3, useBias: false })).multAdds, 2 * 15);
});

test("conv 1D/2D/3D: (k·in·out + out) per output position", () => {
  // Conv1D k=3, 2→4 channels, length 10 'valid' → 8 positions.
  assert.equal(
    rowOf([10, 2], tf.layers.conv1d({ filters: 4, kernelSize: 3 })).multAdds,
    2 * 8 * (3 * 2 * 4 + 4),
  );
  // Conv2D 3×3, 2→4, 8×8 'same' stride 2 → 4×4.
  const conv2d = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same" });
  assert.equal(rowOf([8, 8, 2], conv2d).multAdds, 2 * 4 * 4 * (3 * 3 * 2 * 4 + 4));
  // Conv3D 2×2×2, 1→3, 4×4×4 'valid' → 3×3×3.
  assert.equal(
    rowOf([4, 4, 4, 1], tf.layers.conv3d({ filters: 3, kernelSize: 2 })).multAdds,
    2 * 27 * (8 * 3 + 3),
  );
  // Grouped work is in the kernel shape already: a 1×1 conv without bias, 6→6 on 5×5.
  const pointwise = tf.layers.conv2d({ filters: 6, kernelSize: 1, useBias: false });
  assert.equal(rowOf([5, 5, 6], pointwise).multAdds, 2 * 25 * 36);
});

test("depthwise and separable convolutions: every kernel element once per output position", () => {
  // Depthwise 3×3, 4 channels × multiplier 2, 6×6 'valid' → 4×4 × 8 outputs, each 9 MACs, + 8 biases.
  const depthwise = tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 });
  assert.equal(rowOf([6, 6, 4], depthwise).multAdds, 2 * 16 * (3 * 3 * 4 * 2 + 8));
  // Separable: depthwise 3×3×4×1 then pointwise 4→5, 'same' on 6×6: (36 + 20 + 5) per position.
  const separable = tf.layers.separableConv2d({ filters: 5, kernelSize: 3, padding: "same" });
  assert.equal(rowOf([6, 6, 4], separable).multAdds, 2 * 36 * (3 * 3 * 4 + 4 * 5 + 5));
});

test("transposed convolution: the kernel once per input position, the bias once per output position", () => {
  // 3×3, 2→4, stride 2 'same' on 5×5 → 10×10 output.
  const transposed = tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: "same" });
  assert.equal(rowOf([5, 5, 2], transposed).multAdds, 2 * (25 * 3 * 3 * 2 * 4 + 100 * 4));
});

test("pooling, activations and reshapes have no weights and cost 0", () => {
  assert.equal(rowOf([8, 8, 3], tf.layers.maxPooling2d({ poolSize: 2 })).multAdds, 0);
  assert.equal(rowOf([8, 8, 3], tf.layers.averagePooling2d({ poolSize: 2 })).multAdds, 0);
  assert.equal(rowOf([8, 8, 3], tf.layers.globalAveragePooling2d({})).multAdds, 0);
  assert.equal(rowOf([8, 3], tf.layers.maxPooling1d({ poolSize: 2 })).multAdds, 0);
  assert.equal(rowOf([8, 8, 3], tf.layers.flatten()).multAdds, 0);
});

test("normalisation: gamma and beta once per sample (moving statistics are not counted)", () => {
  assert.equal(rowOf([4, 4, 6], tf.layers.batchNormalization({})).multAdds, 2 * (6 + 6));
  assert.equal(rowOf([7, 6], tf.layers.layerNormalization({})).multAdds, 2 * (6 + 6));
});

test("embedding: a lookup multiplies nothing", () => {
  const row = rowOf([7], tf.layers.embedding({ inputDim: 20, outputDim: 3 }), "int32");
  assert.equal(row.params, 60);
  assert.equal(row.multAdds, 0);
});

test("recurrent layers: every weight once per time step per sample", () => {
  // SimpleRNN 3→5 over 7 steps: kernel 3·5, recurrent 5·5, bias 5.
  const simple = tf.layers.simpleRNN({ units: 5 });
  assert.equal(rowOf([7, 3], simple).multAdds, 2 * 7 * (3 * 5 + 5 * 5 + 5));
  // LSTM: 4 gates. The sequence length counts whether or not the layer returns sequences.
  const lstm = tf.layers.lstm({ units: 5, returnSequences: true });
  assert.equal(rowOf([7, 3], lstm).multAdds, 2 * 7 * 4 * (3 * 5 + 5 * 5 + 5));
  // GRU: 3 gates.
  assert.equal(rowOf([7, 3], tf.layers.gru({ units: 5 })).multAdds, 2 * 7 * 3 * (3 * 5 + 5 * 5 + 5));
  // Bidirectional LSTM: both directions.
  const both = tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 5 }) as never });
  assert.equal(rowOf([7, 3], both).multAdds, 2 * 7 * 2 * 4 * (3 * 5 + 5 * 5 + 5));
});

test("ConvLSTM2D: every weight once per time step per sample per output position", () => {
  // 4 gates of a 3×3 'same' conv: input kernel 3·3·2·4, recurrent kernel 3·3·4·4, bias 4; 5×5 outputs, 3 steps.
  const layer = tf.layers.convLstm2d({ filters: 4, kernelSize: 3, padding: "same" });
  assert.equal(rowOf([3, 5, 5, 2], layer).multAdds, 2 * 3 * 25 * 4 * (3 * 3 * 2 * 4 + 3 * 3 * 4 * 4 + 4));
});

test("time-distributed dense: positions include the time axis", () => {
  const layer = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3 }) });
  assert.equal(rowOf([4, 5], layer).multAdds, 2 * 4 * (5 * 3 + 3));
});
