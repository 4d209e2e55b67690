// A bounded series for live curves: at most `capacity` buckets, each keeping the mean, min and max of the
// points it covers, so a million logged points become a few hundred without hiding spikes. When full, the
// bucket width doubles and neighbours merge (the same trick as TensorBoard's reservoir, but deterministic).

export interface Bucket {
  /** Step of the first point in the bucket. */
  step: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

/** Wire form of a bucket: [step, mean, min, max]. */
export type BucketTuple = [number, number, number, number];

export class BucketSeries {
  private buckets: Bucket[] = [];
  private width = 1;

  constructor(readonly capacity = 512) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`capacity must be an integer >= 2, got ${capacity}`);
    }
  }

  get length(): number {
    return this.buckets.length;
  }

  /** Points per bucket right now (1 until the series first fills up). */
  get bucketWidth(): number {
    return this.width;
  }

  push(step: number, value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.addToLast(value)) return;
    if (this.buckets.length >= this.capacity) {
      this.halve();
      // an odd bucket left over from halving is not full yet at the new width
      if (this.addToLast(value)) return;
    }
    this.buckets.push({ step, mean: value, min: value, max: value, count: 1 });
  }

  private addToLast(value: number): boolean {
    const last = this.buckets[this.buckets.length - 1];
    if (!last || last.count >= this.width) return false;
    last.mean += (value - last.mean) / (last.count + 1);
    last.min = Math.min(last.min, value);
    last.max = Math.max(last.max, value);
    last.count++;
    return true;
  }

  private halve(): void {
    const merged: Bucket[] = [];
    for (let i = 0; i < this.buckets.length; i += 2) {
      const a = this.buckets[i];
      const b = this.buckets[i + 1];
      if (!b) {
        merged.push(a);
        continue;
      }
      const count = a.count + b.count;
      merged.push({
        step: a.step,
        mean: (a.mean * a.count + b.mean * b.count) / count,
        min: Math.min(a.min, b.min),
        max: Math.max(a.max, b.max),
        count,
      });
    }
    this.buckets = merged;
    this.width *= 2;
  }

  toTuples(): BucketTuple[] {
    return this.buckets.map((b) => [b.step, b.mean, b.min, b.max]);
  }
}

/** TensorBoard's debiased exponential moving average; weight 0 returns the values unchanged. */
export function smooth(values: number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing must be in [0, 1), got ${weight}`);
  let last = 0;
  let debias = 0;
  return values.map((v) => {
    last = last * weight + (1 - weight) * v;
    debias = debias * weight + (1 - weight);
    return weight === 0 ? v : last / debias;
  });
}
