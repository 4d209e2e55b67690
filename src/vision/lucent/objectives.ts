// lucent's objectives, as values to MAXIMISE per image (lucent writes them as losses, negated): what the layers
// the objective names output on the current images. Objectives compose: a.plus(b), a.minus(b), a.times(k), sum().
import { tf } from "../../backend";
import type { InspectableModel, ModelNode, NodeRef } from "../../model";

/** What an objective sees: each named layer's output on the batch, the batch itself, the model's output. */
export interface ObjectiveContext {
  model: InspectableModel;
  layer(ref: NodeRef): tf.Tensor;
  input: tf.Tensor4D;
  output: tf.Tensor;
}

export class Objective {
  constructor(
    readonly name: string,
    /** Layers the objective reads (so one forward pass captures them all). */
    readonly layers: NodeRef[],
    /** One value per image [B], larger = better. */
    readonly value: (context: ObjectiveContext) => tf.Tensor1D,
  ) {}

  plus(other: Objective): Objective {
    return new Objective(`${this.name} + ${other.name}`, [...this.layers, ...other.layers], (c) =>
      tf.add(this.value(c), other.value(c)),
    );
  }

  minus(other: Objective): Objective {
    return new Objective(`${this.name} − ${other.name}`, [...this.layers, ...other.layers], (c) =>
      tf.sub(this.value(c), other.value(c)),
    );
  }

  times(factor: number): Objective {
    return new Objective(`${factor}·(${this.name})`, this.layers, (c) => tf.mul(this.value(c), factor));
  }
}

/** Σ of objectives (lucent's objective arithmetic). */
export function sumObjectives(...objectives: Objective[]): Objective {
  if (objectives.length === 0) throw new RangeError("sumObjectives needs at least one objective");
  return objectives.reduce((a, b) => a.plus(b));
}

function spatial(act: tf.Tensor, layer: ModelNode, what: string): tf.Tensor4D {
  if (act.rank !== 4) {
    throw new RangeError(
      `${what} needs layer "${layer.name}" to output [batch, h, w, channels]; it outputs [${act.shape}]`,
    );
  }
  return act as tf.Tensor4D;
}

function checkChannel(act: tf.Tensor, channel: number, layer: ModelNode, what: string): void {
  const channels = act.shape[act.rank - 1];
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw new RangeError(
      `${what}: channel ${channel} is outside layer "${layer.name}"'s ${channels} channels (0..${channels - 1})`,
    );
  }
}

/** One unit: channel `channel` at position (x, y) of the layer (default the centre), lucent's neuron. */
export function neuron(layer: NodeRef, channel: number, x?: number, y?: number): Objective {
  return new Objective(`neuron ${String(layer)}:${channel}`, [layer], (c) => {
    const l = c.model.resolve(layer);
    const act = spatial(c.layer(layer), l, "neuron");
    checkChannel(act, channel, l, "neuron");
    const [, h, w] = act.shape;
    const [px, py] = [x ?? Math.floor(w / 2), y ?? Math.floor(h / 2)];
    if (px < 0 || px >= w || py < 0 || py >= h) {
      throw new RangeError(`neuron: position (${px}, ${py}) is outside layer "${l.name}"'s ${w}x${h} map`);
    }
    return tf.slice(act, [0, py, px, channel], [-1, 1, 1, 1]).reshape([-1]) as tf.Tensor1D;
  });
}

/** A whole channel's mean activation (lucent's channel). */
export function channel(layer: NodeRef, index: number): Objective {
  return new Objective(`channel ${String(layer)}:${index}`, [layer], (c) => {
    const l = c.model.resolve(layer);
    const act = c.layer(layer);
    checkChannel(act, index, l, "channel");
    const channels = act.shape[act.rank - 1];
    const picked = tf.sum(tf.mul(act, tf.oneHot([index], channels).reshape([channels])), -1);
    return (
      picked.rank > 1
        ? tf.mean(
            picked,
            Array.from({ length: picked.rank - 1 }, (_, i) => i + 1),
          )
        : picked
    ) as tf.Tensor1D;
  });
}

/** Mean over positions of the cosine similarity between the activation vector and `vector` (lucent's direction). */
export function direction(layer: NodeRef, vector: number[] | tf.Tensor1D): Objective {
  return new Objective(`direction ${String(layer)}`, [layer], (c) => {
    const l = c.model.resolve(layer);
    const act = spatial(c.layer(layer), l, "direction");
    const v = vector instanceof tf.Tensor ? vector : tf.tensor1d(vector);
    if (v.rank !== 1 || v.shape[0] !== act.shape[3]) {
      throw new RangeError(
        `direction: the vector has ${v.size} values but layer "${l.name}" has ${act.shape[3]} channels`,
      );
    }
    const dot = tf.sum(tf.mul(act, v), 3);
    const norms = tf.mul(tf.maximum(tf.norm(act, 2, 3), 1e-8), tf.maximum(tf.norm(v), 1e-8));
    return tf.mean(tf.div(dot, norms), [1, 2]) as tf.Tensor1D;
  });
}

/**
 * lucent's diversity: −Σ_i Σ_{j≠i} ⟨G_i, G_j⟩ / batch with G the L2-normalised Gram matrices of the layer's
 * channels, so that images of one batch differ in style; each image carries an equal share.
 */
export function diversity(layer: NodeRef): Objective {
  return new Objective(`diversity ${String(layer)}`, [layer], (c) => {
    const l = c.model.resolve(layer);
    const act = spatial(c.layer(layer), l, "diversity");
    const [batch, h, w, channels] = act.shape;
    const flat = act.reshape([batch, h * w, channels]);
    const grams = tf.matMul(flat, flat, true, false).reshape([batch, channels * channels]);
    const unit = tf.div(grams, tf.maximum(tf.norm(grams, 2, 1, true), 1e-12));
    const similarity = tf.matMul(unit, unit, false, true);
    const offDiagonal = tf.sub(tf.sum(similarity), tf.sum(tf.mul(similarity, tf.eye(batch))));
    return tf.fill([batch], 1).mul(tf.div(tf.neg(offDiagonal), batch * batch)) as tf.Tensor1D;
  });
}

/** Where a penalty looks: a layer, or "input" (the images the model sees). */
export type PenaltyTarget = NodeRef | "input";

function valuesOf(c: ObjectiveContext, target: PenaltyTarget): tf.Tensor {
  return target === "input" ? c.input : c.layer(target);
}

const axesAfterBatch = (t: tf.Tensor) => Array.from({ length: t.rank - 1 }, (_, i) => i + 1);

/** Σ|values − constant| per image (lucent's L1); subtract it, scaled, from an objective. */
export function l1(target: PenaltyTarget = "input", constant = 0): Objective {
  return new Objective(`L1 ${String(target)}`, target === "input" ? [] : [target], (c) => {
    const v = valuesOf(c, target);
    return tf.sum(tf.abs(tf.sub(v, constant)), axesAfterBatch(v)) as tf.Tensor1D;
  });
}

/** √(ε + Σ(values − constant)²) per image (lucent's L2, ε = 1e-6). */
export function l2(target: PenaltyTarget = "input", constant = 0, epsilon = 1e-6): Objective {
  return new Objective(`L2 ${String(target)}`, target === "input" ? [] : [target], (c) => {
    const v = valuesOf(c, target);
    return tf.sqrt(tf.add(tf.sum(tf.square(tf.sub(v, constant)), axesAfterBatch(v)), epsilon)) as tf.Tensor1D;
  });
}

/** Total variation Σ|x[i+1, j] − x[i, j]| + |x[i, j+1] − x[i, j]| per image (a smoothness penalty). */
export function totalVariation(target: PenaltyTarget = "input"): Objective {
  return new Objective(`TV ${String(target)}`, target === "input" ? [] : [target], (c) => {
    const v = valuesOf(c, target);
    if (v.rank !== 4) throw new RangeError(`totalVariation needs [batch, h, w, c] values, got [${v.shape}]`);
    const [b, h, w, ch] = v.shape;
    const down = tf.abs(
      tf.sub(tf.slice(v, [0, 1, 0, 0], [b, h - 1, w, ch]), tf.slice(v, [0, 0, 0, 0], [b, h - 1, w, ch])),
    );
    const right = tf.abs(
      tf.sub(tf.slice(v, [0, 0, 1, 0], [b, h, w - 1, ch]), tf.slice(v, [0, 0, 0, 0], [b, h, w - 1, ch])),
    );
    return tf.add(tf.sum(down, [1, 2, 3]), tf.sum(right, [1, 2, 3])) as tf.Tensor1D;
  });
}
