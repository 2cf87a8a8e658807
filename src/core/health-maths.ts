/**
 * The arithmetic of live health: smoothed averages, a sliding success/failure window,
 * per-minute counters and a recent-sample percentile. Pure and immutable: every update
 * returns a new value, time is passed in, and every structure has a fixed size whatever the
 * traffic, so a busy deployment costs no more memory than an idle one.
 */

export const DEFAULT_EWMA_ALPHA = 0.3;
export const DEFAULT_WINDOW_BUCKETS = 10;
export const DEFAULT_SAMPLE_CAPACITY = 100;
export const MINUTE_MS = 60_000;

/**
 * Exponentially weighted moving average: `alpha` is the weight of the new sample (0..1].
 * The first sample sets the value, so a new deployment is not averaged against zero.
 */
export function ewma(previous: number | undefined, sample: number, alpha: number = DEFAULT_EWMA_ALPHA): number {
  if (previous === undefined) return sample;
  const blended = previous + alpha * (sample - previous);
  // Rounding can land a hair outside [previous, sample]; an average must never leave the range of its samples.
  return Math.min(Math.max(blended, Math.min(previous, sample)), Math.max(previous, sample));
}

/** Successes and failures counted over a window. */
export interface WindowCounts {
  successes: number;
  failures: number;
}

/** One time slice of a sliding window; `index` is `floor(time / bucketMs)`. */
export interface WindowBucket extends WindowCounts {
  index: number;
}

/**
 * A sliding window of outcomes, kept as a ring of time buckets. A sample leaves the window
 * whole buckets at a time: it is always counted while younger than `(bucketCount - 1) ×
 * bucketMs` and never once `windowMs` old.
 */
export interface SlidingWindow {
  windowMs: number;
  bucketMs: number;
  /** Ring slots; slot `i` holds the latest bucket whose index ≡ i (mod length). */
  buckets: readonly WindowBucket[];
}

/** An empty window over `windowMs`, split into at most `bucketCount` buckets. */
export function createSlidingWindow(windowMs: number, bucketCount: number = DEFAULT_WINDOW_BUCKETS): SlidingWindow {
  const span = Math.max(1, Math.floor(windowMs));
  // Rounding the bucket length down keeps bucketCount × bucketMs ≤ windowMs, so nothing
  // older than windowMs is ever counted.
  const count = Math.max(1, Math.min(Math.floor(bucketCount), span));
  const bucketMs = Math.floor(span / count);
  const buckets = Array.from({ length: count }, () => ({ index: Number.NEGATIVE_INFINITY, successes: 0, failures: 0 }));
  return { windowMs: span, bucketMs, buckets };
}

/** Counts one outcome at `now`. An outcome older than the ring's oldest bucket is dropped. */
export function recordOutcome(window: SlidingWindow, outcome: 'success' | 'failure', now: number): SlidingWindow {
  const index = Math.floor(now / window.bucketMs);
  const slot = modulo(index, window.buckets.length);
  const current = window.buckets[slot];
  if (current.index > index) return window;
  const base = current.index === index ? current : { index, successes: 0, failures: 0 };
  const updated: WindowBucket =
    outcome === 'success' ? { ...base, successes: base.successes + 1 } : { ...base, failures: base.failures + 1 };
  const buckets = window.buckets.slice();
  buckets[slot] = updated;
  return { ...window, buckets };
}

/** Successes and failures in the window ending at `now`. */
export function windowCounts(window: SlidingWindow, now: number): WindowCounts {
  const oldest = Math.floor(now / window.bucketMs) - window.buckets.length + 1;
  let successes = 0;
  let failures = 0;
  for (const bucket of window.buckets) {
    if (bucket.index < oldest) continue;
    successes += bucket.successes;
    failures += bucket.failures;
  }
  return { successes, failures };
}

/** Requests and tokens in one calendar minute (`minute` is `floor(time / 60 s)`). */
export interface MinuteCounter {
  minute: number;
  requests: number;
  tokens: number;
}

export function createMinuteCounter(): MinuteCounter {
  return { minute: Number.NEGATIVE_INFINITY, requests: 0, tokens: 0 };
}

/** Adds to the counter of the minute holding `now`, starting it afresh when the minute changed. */
export function addToMinute(counter: MinuteCounter, now: number, requests: number, tokens: number): MinuteCounter {
  const minute = Math.floor(now / MINUTE_MS);
  // A late report for a minute already rolled over no longer matters to headroom.
  if (minute < counter.minute) return counter;
  const base = minute === counter.minute ? counter : { minute, requests: 0, tokens: 0 };
  return { minute, requests: base.requests + requests, tokens: base.tokens + tokens };
}

/** The counts of the minute holding `now`; zero when nothing was added in it. */
export function minuteTotals(counter: MinuteCounter, now: number): { requests: number; tokens: number } {
  if (counter.minute !== Math.floor(now / MINUTE_MS)) return { requests: 0, tokens: 0 };
  return { requests: counter.requests, tokens: counter.tokens };
}

/** The last `capacity` samples, oldest overwritten first. */
export interface SampleRing {
  capacity: number;
  values: readonly number[];
  /** Slot the next sample overwrites once the ring is full. */
  next: number;
}

export function createSampleRing(capacity: number = DEFAULT_SAMPLE_CAPACITY): SampleRing {
  return { capacity: Math.max(1, Math.floor(capacity)), values: [], next: 0 };
}

export function pushSample(ring: SampleRing, value: number): SampleRing {
  const values = ring.values.slice();
  if (values.length < ring.capacity) {
    values.push(value);
    return { ...ring, values, next: values.length % ring.capacity };
  }
  values[ring.next] = value;
  return { ...ring, values, next: (ring.next + 1) % ring.capacity };
}

/**
 * Nearest-rank percentile (`fraction` in (0, 1]): always one of the samples, and at least
 * `fraction` of the samples are ≤ it. Undefined for no samples.
 */
export function percentile(samples: readonly number[], fraction: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = samples.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1];
}

export function p95(samples: readonly number[]): number | undefined {
  return percentile(samples, 0.95);
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
