// The one answer slot that the stdin worker (stdin-worker.ts) fills and the kernel's main thread waits on with
// Atomics.wait: a synchronous input() blocks the main thread, so the reply must arrive through another thread.
// Layout: Int32 [state, ask id, byte length], then the answer's UTF-8 bytes.

export const ANSWER_BYTES = 1 << 20;
const HEADER_INTS = 3;
const STATE = 0;
const ASK = 1;
const LENGTH = 2;

export const AnswerState = {
  Idle: 0,
  Waiting: 1,
  /** The worker is copying an answer in: neither side may start another ask until it is Answered. */
  Writing: 2,
  Answered: 3,
  TooLong: 4,
} as const;

export function newAnswerSlot(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_INTS * 4 + ANSWER_BYTES);
}

function header(slot: SharedArrayBuffer): Int32Array {
  return new Int32Array(slot, 0, HEADER_INTS);
}

/** Main thread: the slot waits for the answer to ask `askId` (after any answer still being copied in). */
export function expectAnswer(slot: SharedArrayBuffer, askId: number): void {
  const ints = header(slot);
  while (Atomics.load(ints, STATE) === AnswerState.Writing)
    Atomics.wait(ints, STATE, AnswerState.Writing, 10);
  Atomics.store(ints, ASK, askId);
  Atomics.store(ints, STATE, AnswerState.Waiting);
}

/** Main thread: blocks until the worker has answered (or the caller is interrupted: vm's breakOnSigint). */
export function waitForAnswer(slot: SharedArrayBuffer): void {
  const ints = header(slot);
  while (
    Atomics.load(ints, STATE) !== AnswerState.Answered &&
    Atomics.load(ints, STATE) !== AnswerState.TooLong
  ) {
    Atomics.wait(ints, STATE, Atomics.load(ints, STATE));
  }
}

/** Main thread: the answer, and the slot idle again; undefined when it was longer than the slot. */
export function takeAnswer(slot: SharedArrayBuffer): string | undefined {
  const ints = header(slot);
  const state = Atomics.load(ints, STATE);
  const text =
    state === AnswerState.Answered
      ? new TextDecoder().decode(new Uint8Array(slot, HEADER_INTS * 4, Atomics.load(ints, LENGTH)).slice())
      : undefined;
  Atomics.store(ints, STATE, AnswerState.Idle);
  return text;
}

/** Main thread: gives up waiting (interrupted); a late answer to this ask is then dropped by the worker. */
export function abandonAnswer(slot: SharedArrayBuffer): void {
  Atomics.compareExchange(header(slot), STATE, AnswerState.Waiting, AnswerState.Idle);
}

/** Worker: whether the main thread still waits for the answer to `askId`. */
export function isAwaiting(slot: SharedArrayBuffer, askId: number): boolean {
  const ints = header(slot);
  return Atomics.load(ints, ASK) === askId && Atomics.load(ints, STATE) === AnswerState.Waiting;
}

/** Worker: stores the answer to `askId` if the main thread still waits for it, and wakes it. */
export function giveAnswer(slot: SharedArrayBuffer, askId: number, text: string): boolean {
  const ints = header(slot);
  if (Atomics.load(ints, ASK) !== askId) return false;
  if (
    Atomics.compareExchange(ints, STATE, AnswerState.Waiting, AnswerState.Writing) !== AnswerState.Waiting
  ) {
    return false;
  }
  const bytes = new TextEncoder().encode(text);
  const fits = bytes.length <= ANSWER_BYTES;
  if (fits) {
    new Uint8Array(slot, HEADER_INTS * 4, bytes.length).set(bytes);
    Atomics.store(ints, LENGTH, bytes.length);
  }
  Atomics.store(ints, STATE, fits ? AnswerState.Answered : AnswerState.TooLong);
  Atomics.notify(ints, STATE);
  return true;
}
