// What gradientAscent says about its inputs and results: the objective's two forms, decorrelated colour on a
// model that does not take RGB, and an ascent that went down instead of up.
import type { DeclaredShape } from "../model/shape-hint";
import { formatTick } from "../image/grid";
import type { AscentObjective } from "./feature-vis";

export function checkObjective(objective: unknown): asserts objective is AscentObjective {
  const shown = objective === undefined ? "nothing" : (JSON.stringify(objective) ?? String(objective));
  const isObject = typeof objective === "object" && objective !== null;
  if (!isObject || !("class" in objective || ("layer" in objective && "filter" in objective))) {
    throw new TypeError(
      `gradientAscent(model, objective): the objective must be { class: index } (a class score) or ` +
        `{ layer: name, filter: index } (a filter's mean activation); got ${shown}`,
    );
  }
}

/** Decorrelated colour mixes RGB; say what the model takes instead, and whether it looks channels-first. */
export function decorrelateMismatch(shape: DeclaredShape, channels: number): string {
  const shown = shape.map((d) => d ?? "batch").join(", ");
  const channelsFirst =
    shape[1] === 3
      ? ` (its input [${shown}] looks channels-first; gradient ascent makes channels-last images)`
      : "";
  return (
    `decorrelated colour needs 3 input channels; the model takes ${channels}${channelsFirst}: ` +
    "leave out decorrelate (it is on by default only for 3 channels)"
  );
}

/** An ascent whose objective ends below where it started found nothing; say so, and what likely caused it. */
export function ascentWarnings(history: number[], decorrelate: boolean, byDefault: boolean): string[] {
  if (history.length < 2 || history[history.length - 1] >= history[0]) return [];
  const from = formatTick(history[0]);
  const to = formatTick(history[history.length - 1]);
  const cause = decorrelate
    ? ` Decorrelated colour${byDefault ? " (on by default for 3 channels)" : ""} mixes channels with ImageNet's ` +
      "colour statistics, which may not suit this model's data: try { decorrelate: false }, or a smaller learningRate."
    : " Try a smaller learningRate or more steps.";
  return [`the objective went down (from ${from} to ${to}) instead of up.${cause}`];
}
