// Mult-adds of one layer call from its weights and static shapes. Convention (torchinfo's, stated in
// docs/summary.md): every weight and bias element is one multiply-accumulate per output position it serves;
// layers without weights (activations, pooling, merges, reshapes, dropout) and embedding lookups cost 0.
import type { Shape } from "./types";

/** What the rules need to know about a layer; a tfjs Layer satisfies it. */
export interface MacLayer {
  getClassName(): string;
  weights: { originalName?: string; name: string; shape: (number | null)[] }[];
  dataFormat?: string;
}

const size = (shape: readonly (number | null)[]) => shape.reduce<number>((p, d) => p * (d ?? NaN), 1);

function weightCount(layer: MacLayer, keep: (name: string) => boolean = () => true): number {
  return layer.weights.filter((w) => keep(w.originalName ?? w.name)).reduce((n, w) => n + size(w.shape), 0);
}

/** Batch × spatial positions of a conv-like output: every axis but the channel axis. */
function positions(shape: Shape, dataFormat?: string): number {
  return dataFormat === "channelsFirst" ? (shape[0] ?? NaN) * size(shape.slice(2)) : size(shape.slice(0, -1));
}

const POSITIONAL = new Set([
  "Dense",
  "Conv1D",
  "Conv2D",
  "Conv3D",
  "DepthwiseConv2D",
  "SeparableConv1D",
  "SeparableConv2D",
  "TimeDistributed",
]);
const TRANSPOSED = new Set(["Conv2DTranspose", "Conv3DTranspose"]);
const RECURRENT = new Set(["SimpleRNN", "LSTM", "GRU", "Bidirectional", "RNN"]);
const NORMALISATION = new Set(["BatchNormalization", "LayerNormalization"]);
const LOOKUP = new Set(["Embedding"]);

/** Mult-adds of one call; NaN when a needed dimension is unknown. */
export function layerMultAdds(layer: MacLayer, inputShapes: Shape[], outputShapes: Shape[]): number {
  const params = weightCount(layer);
  if (params === 0) return 0;
  const className = layer.getClassName();
  const input = inputShapes[0] ?? [];
  const output = outputShapes[0] ?? [];
  const batch = output[0] ?? NaN;
  if (POSITIONAL.has(className)) return params * positions(output, layer.dataFormat);
  if (TRANSPOSED.has(className)) {
    // Each input position scatters the whole kernel once; the bias is added once per output position.
    const bias = weightCount(layer, (n) => n.endsWith("bias"));
    return (params - bias) * positions(input, layer.dataFormat) + bias * positions(output, layer.dataFormat);
  }
  // One step costs every weight once (input, recurrent and bias), per sample, times the sequence length.
  if (RECURRENT.has(className)) return params * batch * (input[1] ?? NaN);
  if (className === "ConvLSTM2D") {
    const spatial = output.length === 5 ? output.slice(2, 4) : output.slice(1, 3);
    return params * batch * (input[1] ?? NaN) * size(spatial);
  }
  // torchinfo counts the affine weights (gamma, beta) once per sample; moving statistics are not weights used.
  if (NORMALISATION.has(className)) return batch * weightCount(layer, (n) => !n.includes("moving_"));
  if (LOOKUP.has(className)) return 0;
  // Unknown layers with weights: torchinfo's generic rule, batch × weights.
  return batch * params;
}
