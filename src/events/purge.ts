// TensorBoard's purge_orphaned_data: when a training job crashes and restarts from a checkpoint, the points it
// had logged after that checkpoint are orphans, and the restarted job logs those steps again. TensorBoard's
// Python EventAccumulator drops the orphans on two signals: in files of version 2 (every current writer), a
// SessionLog.START at step T drops every point at step >= T, except for the run's first START; in older files,
// a summary whose step goes back drops that summary's tags' points at or after its step.
//
// Modes: "tensorboard" is exactly that. "resume" (the default) differs in one case: the first START is exempt
// only when nothing was logged before it. PyTorch's purge_step writes the run's first START when it resumes a
// run that already holds points, which EventAccumulator then ignores, showing two overlapping curves; TensorBoard's
// Rust data server (its default loader) shows one, and so does "resume". "none" keeps everything.
import type { RunData, ScalarColumns, StepPoint } from "./run-data";

export type PurgeMode = "resume" | "tensorboard" | "none";

export interface PurgeState {
  mode: PurgeMode;
  /** event_util.ParseFileVersion of the last file_version seen ("brain.Event:2" -> 2), 0 before any. */
  fileVersion: number;
  seenStart: boolean;
  seenSummary: boolean;
  /** The step of the last summary event, -1 before any (EventAccumulator's most_recent_step). */
  mostRecentStep: number;
}

export function initialPurgeState(mode: PurgeMode = "resume"): PurgeState {
  return { mode, fileVersion: 0, seenStart: false, seenSummary: false, mostRecentStep: -1 };
}

export function parseFileVersion(version: string): number {
  const number = Number(version.split(":").pop());
  return Number.isFinite(number) ? number : 0;
}

function filterPoints<T>(map: Map<string, StepPoint<T>[]>, step: number, tags: string[] | undefined): number {
  let removed = 0;
  for (const [tag, points] of map) {
    if (tags && !tags.includes(tag)) continue;
    const kept = points.filter((p) => p.step < step);
    removed += points.length - kept.length;
    if (kept.length !== points.length) map.set(tag, kept);
  }
  return removed;
}

function filterScalars(map: Map<string, ScalarColumns>, step: number, tags: string[] | undefined): number {
  let removed = 0;
  for (const [tag, series] of map) if (!tags || tags.includes(tag)) removed += series.removeFrom(step);
  return removed;
}

/** Drops the points at step >= `step` (of `tags` only, when given); counts them in run.stats.purged. */
export function purgePoints(run: RunData, step: number, tags?: string[]): void {
  const removed =
    filterScalars(run.scalars, step, tags) +
    filterPoints(run.histograms, step, tags) +
    filterPoints(run.images, step, tags) +
    filterPoints(run.texts, step, tags) +
    filterPoints(run.prCurves, step, tags) +
    filterPoints(run.audio, step, tags) +
    filterPoints(
      run.meshes,
      step,
      tags?.map((t) => t.replace(/_(VERTEX|FACE|COLOR)$/, "")),
    ) +
    filterPoints(run.tensors, step, tags);
  run.stats.purged += removed;
}

/** Before a summary event at `step` with `tags`: the step-regression rule of version-1 files. */
export function beforeSummary(state: PurgeState, run: RunData, step: number, tags: string[]): void {
  if (state.mode !== "none" && state.fileVersion < 2 && step < state.mostRecentStep)
    purgePoints(run, step, tags);
  state.mostRecentStep = step;
  state.seenSummary = true;
}

/** A SessionLog.START at `step`. */
export function onSessionStart(state: PurgeState, run: RunData, step: number): void {
  run.stats.restarts++;
  if (state.mode === "none" || state.fileVersion < 2) return;
  if (!state.seenStart) {
    state.seenStart = true;
    if (state.mode === "tensorboard" || !state.seenSummary) return;
  }
  purgePoints(run, step);
}
