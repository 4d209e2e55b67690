// Property tests on random nested models: whatever the nesting and the depth shown, the Param # column adds up
// to Total params, Mult-Adds to the total, totals agree with tfjs, and nothing leaks.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { summary, tf } from "../../src/index";

// A model spec: a list of items, each a dense layer (its units) or a nested block of items.
type Item = number | Item[];

const itemArb: fc.Arbitrary<Item[]> = fc.letrec<{ items: Item[]; item: Item }>((tie) => ({
  item: fc.oneof({ depthSize: "small", withCrossShrink: true }, fc.integer({ min: 1, max: 6 }), tie("items")),
  items: fc.array(tie("item"), { minLength: 1, maxLength: 4 }),
})).items;

let counter = 0;

/** Builds the spec as nested Sequentials; returns the model and the number of dense calls. */
function build(items: Item[], inputUnits: number, frozen: boolean): { model: tf.Sequential; units: number } {
  const model = tf.sequential({ name: `block${counter++}` });
  let units = inputUnits;
  for (const item of items) {
    const first = model.layers.length === 0 ? { inputShape: [units] } : {};
    if (typeof item === "number") {
      model.add(tf.layers.dense({ units: item, ...first, trainable: !frozen || item % 2 === 0 }));
      units = item;
    } else {
      const inner = build(item, units, frozen);
      if (model.layers.length === 0) model.add(tf.layers.reLU({ inputShape: [units] }));
      model.add(inner.model);
      units = inner.units;
    }
  }
  return { model, units };
}

test("Param # and Mult-Adds columns add up to the totals at every depth, for any nesting", () => {
  fc.assert(
    fc.property(
      itemArb,
      fc.integer({ min: 0, max: 5 }),
      fc.boolean(),
      fc.integer({ min: 1, max: 4 }),
      (items, depth, frozen, batch) => {
        const { model } = build(items, 3, frozen);
        const tensors = tf.memory().numTensors;
        const s = summary(model, { depth, inputSize: [batch, 3] });
        assert.equal(tf.memory().numTensors, tensors);
        const shownParams = s.rows.reduce(
          (n, r) => n + (typeof r.shownParams === "number" ? r.shownParams : 0),
          0,
        );
        assert.equal(shownParams, s.totalParams);
        assert.equal(
          s.rows.reduce((n, r) => n + (r.shownMultAdds ?? 0), 0),
          s.totalMultAdds,
        );
        assert.equal(s.totalParams, model.countParams());
        const trainable = model.trainableWeights.reduce(
          (n, w) => n + (w.shape as number[]).reduce((a, b) => a * b, 1),
          0,
        );
        assert.equal(s.trainableParams, trainable);
        // Dense layers: mult-adds = batch × every weight.
        assert.equal(s.totalMultAdds, batch * s.totalParams);
        assert.ok(s.rows.every((r) => r.depth <= depth));
        model.dispose();
      },
    ),
    { numRuns: 40, seed: 20261128 },
  );
});
