// The one model interface every feature is written against (vision, CAMs, saliency, summary, the writer's graph).
// Two adapters implement it: LayersModels (their own layer graph, walked eagerly) and GraphModels (converted
// TensorFlow graphs, run through the model's executor with inner nodes fetched or fed). Features never ask which
// kind they hold: they name nodes, capture activations, feed a replacement activation and read weights.
import type { tf } from "../backend";

/** A dimension of -1/null is unknown (batch, or a size the model leaves open). */
export type Shape = (number | null)[];

/** A layer or node: a name (full, "outer/inner" path, unique suffix, name scope), an index, or a tfjs Layer. */
export type NodeRef = string | number | tf.layers.Layer;

/** Inputs as the model takes them: one tensor, a list in input order, or a map from input name to tensor. */
export type ModelInputs = tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;

export interface TensorSpec {
  name: string;
  shape: Shape;
  dtype: tf.DataType;
}

/** One addressable layer (LayersModel) or op node (GraphModel). */
export interface ModelNode {
  /** The name it is shown by: a layer's name, or a graph node's full name. */
  readonly name: string;
  /** A name that resolves to it: a layer's "outer/inner" path, or a graph node's full name. */
  readonly address: string;
  /** Layer class ("Conv2D") or op ("_FusedConv2D"). */
  readonly kind: string;
  /** Whether its backward pass includes a ReLU or ReLU6 (guided backprop gates gradients after it). */
  readonly endsInRelu: boolean;
}

/** A convolution kernel in [kh, kw, in, out] layout (depthwise: [kh, kw, 1, channels·multiplier]). */
export interface NodeKernel {
  weights: tf.Tensor4D;
  /** "Conv2D", "DepthwiseConv2D", … for a layer; the op for a graph node. */
  kind: string;
}

/** A node that adds a per-channel bias before its activation (FullGrad's bias terms). */
export interface BiasNode {
  node: ModelNode;
  /** The bias [channels], a new tensor; a batch normalisation's is folded: β − μ·γ/√(σ² + ε). */
  bias(): tf.Tensor1D;
}

/** Collects a node's gradient during the backward pass of a differentiated run. */
export interface GradientProbe {
  node: ModelNode;
  /**
   * Called once per backward pass with d(differentiated value)/dz, z the node's output BEFORE its activation (a
   * Conv2D's or fused conv's; the output itself for a node without one). tf.keep it to use it after the pass.
   * Not called when the differentiated value does not depend on the node.
   */
  receive(gradient: tf.Tensor): void;
}

/** Computes chosen nodes' outputs in place of the model's own computation (DeepLIFT's gradient rules). */
export interface NodeOverride {
  nodes: ModelNode[];
  /**
   * Called as the run reaches each of `nodes` (every call of a shared layer), with the values of its inputs (a
   * layer's inputs; a graph op's non-constant inputs) and `own`, which computes the node's usual output from
   * inputs it is given. Returns the value the rest of the model sees as the node's output.
   */
  call(node: ModelNode, inputs: tf.Tensor[], own: (inputs: tf.Tensor[]) => tf.Tensor): tf.Tensor;
}

export interface RunOptions {
  /** Nodes whose outputs to return, in this order. */
  capture?: ModelNode[];
  /** Use this tensor as the node's output, e.g. to differentiate with respect to it. */
  feed?: { node: ModelNode; value: tf.Tensor };
  /** Compute only what the captured nodes need: `outputs` is then empty (default false). */
  capturesOnly?: boolean;
  /** Guided backpropagation: gradients flowing back through every ReLU-family node are clipped at zero. */
  guided?: boolean;
  /**
   * Capture `capture[i]` before its own ReLU where that is possible without editing the model (activation
   * maximisation climbs a filter's pre-ReLU value, which still has a gradient where the ReLU is zero).
   */
  preRelu?: boolean;
  /** Gradient probes at nodes' pre-activation outputs (the forward pass is unchanged). */
  probes?: GradientProbe[];
  /**
   * The caller will not differentiate this run and wants only the outputs: the adapter may take the model's
   * fastest inference path (a LayersModel's predictOnBatch, which frees activations as it goes and uses fused
   * kernels; a GraphModel's execute already is). With nodes captured or fed, a LayersModel's walked run folds each
   * Conv2D → BatchNormalization (→ ReLU) chain no one reads in between into one fused convolution. Ignored when
   * guided.
   */
  inferenceOnly?: boolean;
  /** Nodes computed by the caller's function instead of the model's own op (not combined with `guided`). */
  override?: NodeOverride;
}

export interface RunResult {
  /** The model's outputs, in output order (empty with `capturesOnly`). */
  outputs: tf.Tensor[];
  captured: tf.Tensor[];
}

/** Which kind of model an adapter wraps; features never branch on it (the summary and the writer's graph do). */
export type ModelKind = "layers" | "graph";

export interface InspectableModel {
  readonly kind: ModelKind;
  readonly name: string;
  /** The tfjs model itself. */
  readonly source: tf.LayersModel | tf.GraphModel;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  /** Every addressable node, in execution order. */
  nodes(): ModelNode[];
  /**
   * Finds a node: a full name or path, a unique suffix / name scope (GraphModel), or an index counting the
   * summary's depth-1 rows (a LayersModel's `model.layers`). Unknown or ambiguous names list the nearest ones.
   */
  resolve(ref: NodeRef): ModelNode;
  /**
   * The node's output shape when it can be known: a layer's static shape (batch null), or a graph node's shape
   * from one run on zeros with batch 1 (made once, when first needed; `{ run: false }` never runs). Else null.
   */
  outputShape(node: ModelNode, options?: { run?: boolean }): Shape | null;
  /** Runs the model in inference mode. The returned tensors are the caller's; everything else is released. */
  run(inputs: tf.Tensor[], options?: RunOptions): RunResult;
  /** Whether output `outputIndex` is computed from `node`. */
  outputDependsOn(node: ModelNode, outputIndex: number): boolean;
  /** The node between its inputs and its consumers, "a" → "node" → "b", for error messages (graphs only). */
  describePath?(node: ModelNode): string;
  /**
   * The node's weights by name: a layer's variables' current values, or the constants a graph op reads. The
   * tensors belong to the model (do not dispose them).
   */
  weights(node: ModelNode): { name: string; value: tf.Tensor }[];
  /** The node's 2-D convolution kernel, or null when it has none. A new tensor. */
  kernel(node: ModelNode): NodeKernel | null;
  /** Nodes with a 4-D output that add a per-channel bias (convolutions with a bias, batch normalisations). */
  biasNodes(): BiasNode[];
}
