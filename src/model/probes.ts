// Gradient probes (RunOptions.probes): an identity op whose backward pass hands the gradient flowing through it to
// a receiver, so that one backward pass yields the gradient at many nodes (FullGrad's bias terms) without adding
// anything to the forward pass. The GraphModel side: which ops add a bias, their bias, and the piecewise run that
// puts a probe after each (the same way guided backpropagation puts its gates, guided.ts).
import { tf } from "../backend";
import { CONV_OPS, type OpNode } from "./graph-topology";
import { ancestors } from "./guided";

type Derivative = (dy: tf.Tensor, y: tf.Tensor) => tf.Tensor;

/** Identity forward; backward passes dy on and hands `derivative(dy, y)` (default dy) to `receive`. */
export function probed(value: tf.Tensor, receive: (gradient: tf.Tensor) => void, derivative?: Derivative) {
  const identity = tf.customGrad(((y: tf.Tensor, save: (tensors: tf.Tensor[]) => void) => {
    save([y]);
    return {
      value: tf.clone(y),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        receive(tf.keep(derivative ? derivative(dy, saved[0]) : tf.clone(dy)));
        return dy;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (y: tf.Tensor) => tf.Tensor;
  return identity(value);
}

const FUSED_CONVS = new Set(["_FusedConv2D", "FusedDepthwiseConv2dNative"]);
const BATCH_NORMS = new Set(["FusedBatchNorm", "FusedBatchNormV3"]);

function fusedOps(op: OpNode): string[] {
  const value = op.attrParams?.fusedOps?.value;
  return Array.isArray(value) ? value.map((v) => String(v).toLowerCase()) : [];
}

/** The op's bias as FullGrad uses it, or null when the op adds none (or its output is not a feature map). */
export function graphBiasOf(
  op: OpNode,
  weights: { [name: string]: tf.Tensor[] },
): (() => tf.Tensor1D) | null {
  const constant = (input: OpNode | undefined) =>
    input?.op === "Const" ? (weights[input.name]?.[0] ?? null) : null;
  if (FUSED_CONVS.has(op.op) && fusedOps(op)[0] === "biasadd") {
    const bias = constant(op.inputs[2]);
    return bias ? () => tf.tidy(() => tf.reshape(tf.cast(bias, "float32"), [-1]) as tf.Tensor1D) : null;
  }
  if (op.op === "BiasAdd" && op.inputs[0] && CONV_OPS.has(op.inputs[0].op)) {
    const bias = constant(op.inputs[1]);
    return bias ? () => tf.tidy(() => tf.reshape(tf.cast(bias, "float32"), [-1]) as tf.Tensor1D) : null;
  }
  if (BATCH_NORMS.has(op.op)) {
    const [scale, offset, mean, variance] = op.inputs.slice(1, 5).map(constant);
    if (!scale || !offset || !mean || !variance) return null;
    const epsilon = Number(op.attrParams?.epsilon?.value ?? 1e-3);
    return () =>
      tf.tidy(() => {
        const factor = tf.div(scale, tf.sqrt(tf.add(variance, epsilon)));
        return tf.reshape(tf.sub(offset, tf.mul(mean, factor)), [-1]) as tf.Tensor1D;
      });
  }
  return null;
}

/** d(output)/d(pre-activation) from the output, for the activations a converter fuses into a bias op. */
function activationDerivative(op: OpNode): Derivative | undefined {
  const activation = fusedOps(op)[1];
  if (activation === undefined) return undefined;
  if (activation === "relu") return (dy, y) => tf.mul(dy, tf.cast(tf.greater(y, 0), dy.dtype));
  if (activation === "relu6") {
    return (dy, y) => tf.mul(dy, tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 6)), dy.dtype));
  }
  throw new Error(
    `node "${op.name}" (${op.op}) fuses a "${activation}" activation: its pre-activation gradient is known only ` +
      "for relu and relu6",
  );
}

/**
 * `model.execute(feeds, names)` with a probe after each probed op (its gradient taken back through the op's fused
 * activation). The executor stops at fed nodes, so each piece runs only the ops up to the next probe: one forward
 * pass in all. Call it inside tf.tidy.
 */
export function probedExecute(
  model: tf.GraphModel,
  order: OpNode[],
  feeds: tf.NamedTensorMap,
  names: string[],
  probes: { op: OpNode; receive: (gradient: tf.Tensor) => void }[],
): tf.Tensor[] {
  const fed = new Set(Object.keys(feeds));
  const needed = ancestors(order, fed, names);
  const running: tf.NamedTensorMap = { ...feeds };
  for (const op of order) {
    const at = probes.filter((p) => p.op === op);
    if (at.length === 0 || !needed.has(op) || fed.has(op.name)) continue;
    const derivative = activationDerivative(op);
    const receive = (gradient: tf.Tensor) =>
      at.forEach((p, i) => p.receive(i === 0 ? gradient : tf.keep(gradient.clone())));
    running[op.name] = probed(model.execute(running, op.name) as tf.Tensor, receive, derivative);
  }
  const out = model.execute(running, names);
  return Array.isArray(out) ? out : [out];
}
