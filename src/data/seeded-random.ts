// A seeded uniform generator (mulberry32) and a Fisher-Yates shuffle on it: same seed, same sequence, everywhere.

/** Returns a function giving uniform numbers in [0, 1), fully determined by the (integer) seed. */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`a seed must be a finite number, got ${seed}`);
  let state = Math.floor(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random permutation of 0..n-1. */
export function permutation(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** An integer in [lo, hi], both included. */
export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/**
 * The seed to give tfjs's random ops for one of ours. tfjs treats a seed of 0 as "no seed" and falls back to
 * Math.random, so seed 0 (our default) would silently make results differ on every run.
 */
export function tfjsSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`a seed must be a finite number, got ${seed}`);
  return seed >= 0 ? seed + 1 : seed;
}
