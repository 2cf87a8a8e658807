/**
 * The arithmetic of live health: smoothed averages, a sliding success/failure window,
 * per-minute counters and a recent-sample percentile. Time is passed in and nothing here does
 * I/O, so any StateStore can apply it to a record it holds or has just loaded.
 *
 * Every structure has a fixed size whatever the traffic, and the updates change the structure
 * they are given in place (each says so): they run several times per request, and copying a
 * window or a 100-sample ring on each attempt was most of the gateway's garbage. Callers that
 * hand a value to someone else (a snapshot) copy the numbers out first.
 */

export const DEFAULT_EWMA_ALPHA = 0.3;
export const DEFAULT_WINDOW_BUCKETS = 10;
export const DEFAULT_SAMPLE_CAPACITY = 100;
export const MINUTE_MS = 60_000;

/**
 * Exponentially weighted moving average: `alpha` is the weight of the new sample (0..1].
 * The first sample sets the value, so a new upstream is not averaged against zero.
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

/**
 * A sliding window of outcomes, kept as a ring of time buckets in three parallel typed arrays.
 * A sample leaves the window whole buckets at a time: it is always counted while younger than
 * `(bucketCount - 1) × bucketMs` and never once `windowMs` old.
 */
export interface SlidingWindow {
  readonly windowMs: number;
  readonly bucketMs: number;
  /** Slot `i` holds the latest bucket whose index (`floor(time / bucketMs)`) ≡ i (mod length); -Infinity while unused. */
  readonly indices: Float64Array;
  /** Outcomes per slot. Integer arrays keep the sums small integers, which V8 stores without boxing. */
  readonly successes: Uint32Array;
  readonly failures: Uint32Array;
}

/** An empty window over `windowMs`, split into at most `bucketCount` buckets. */
export function createSlidingWindow(windowMs: number, bucketCount: number = DEFAULT_WINDOW_BUCKETS): SlidingWindow {
  const span = windowSpan(windowMs);
  // Rounding the bucket length down keeps bucketCount × bucketMs ≤ windowMs, so nothing
  // older than windowMs is ever counted.
  const count = Math.max(1, Math.min(Math.floor(bucketCount), span));
  const bucketMs = Math.floor(span / count);
  const window = { windowMs: span, bucketMs, indices: new Float64Array(count), successes: new Uint32Array(count), failures: new Uint32Array(count) };
  clearWindow(window);
  return window;
}

/** The window length `createSlidingWindow` keeps for a requested `windowMs`: compare with `window.windowMs` to spot a policy change. */
export function windowSpan(windowMs: number): number {
  return Math.max(1, Math.floor(windowMs));
}

/** Empties `window` in place (a recovered breaker starts afresh). */
export function clearWindow(window: SlidingWindow): void {
  window.indices.fill(Number.NEGATIVE_INFINITY);
  window.successes.fill(0);
  window.failures.fill(0);
}

/** Counts one outcome at `now`, in place. An outcome older than the ring's oldest bucket is dropped. */
export function recordOutcome(window: SlidingWindow, outcome: 'success' | 'failure', now: number): void {
  const index = Math.floor(now / window.bucketMs);
  const slot = modulo(index, window.indices.length);
  const held = window.indices[slot];
  if (held > index) return;
  if (held !== index) {
    window.indices[slot] = index;
    window.successes[slot] = 0;
    window.failures[slot] = 0;
  }
  if (outcome === 'success') window.successes[slot] += 1;
  else window.failures[slot] += 1;
}

/**
 * Successes and failures in the window ending at `now`, written into `into` (a new object
 * when absent): hot callers pass a scratch object they own.
 */
export function windowCounts(window: SlidingWindow, now: number, into: WindowCounts = { successes: 0, failures: 0 }): WindowCounts {
  const length = window.indices.length;
  const oldest = Math.floor(now / window.bucketMs) - length + 1;
  let successes = 0;
  let failures = 0;
  for (let slot = 0; slot < length; slot += 1) {
    if (window.indices[slot] < oldest) continue;
    successes += window.successes[slot];
    failures += window.failures[slot];
  }
  into.successes = successes;
  into.failures = failures;
  return into;
}

/** Requests and units of work (tokens, for an LLM deployment) in one calendar minute (`minute` is `floor(time / 60 s)`). */
export interface MinuteCounter {
  minute: number;
  requests: number;
  units: number;
}

export function createMinuteCounter(): MinuteCounter {
  return { minute: Number.NEGATIVE_INFINITY, requests: 0, units: 0 };
}

/** Adds to the counter of the minute holding `now`, in place, starting it afresh when the minute changed. */
export function addToMinute(counter: MinuteCounter, now: number, requests: number, units: number): void {
  const minute = Math.floor(now / MINUTE_MS);
  // A late report for a minute already rolled over no longer matters to headroom.
  if (minute < counter.minute) return;
  if (minute !== counter.minute) {
    counter.minute = minute;
    counter.requests = 0;
    counter.units = 0;
  }
  counter.requests += requests;
  counter.units += units;
}

/** Requests and units of one minute. */
export interface MinuteTotals {
  requests: number;
  units: number;
}

/**
 * The counts of the minute holding `now`; zero when nothing was added in it. Written into
 * `into` (a new object when absent), like `windowCounts`.
 */
export function minuteTotals(counter: MinuteCounter, now: number, into: MinuteTotals = { requests: 0, units: 0 }): MinuteTotals {
  const current = counter.minute === Math.floor(now / MINUTE_MS);
  into.requests = current ? counter.requests : 0;
  into.units = current ? counter.units : 0;
  return into;
}

/** The last `capacity` samples, oldest overwritten first. */
export interface SampleRing {
  readonly capacity: number;
  /** `capacity` slots, of which the first `size` hold samples (in no particular order once the ring wrapped). */
  readonly values: Float64Array;
  size: number;
  /** Slot the next sample overwrites once the ring is full. */
  next: number;
}

export function createSampleRing(capacity: number = DEFAULT_SAMPLE_CAPACITY): SampleRing {
  const slots = Math.max(1, Math.floor(capacity));
  return { capacity: slots, values: new Float64Array(slots), size: 0, next: 0 };
}

/** Adds one sample in place, overwriting the oldest once the ring is full. */
export function pushSample(ring: SampleRing, value: number): void {
  if (ring.size < ring.capacity) {
    ring.values[ring.size] = value;
    ring.size += 1;
    ring.next = ring.size % ring.capacity;
    return;
  }
  ring.values[ring.next] = value;
  ring.next = (ring.next + 1) % ring.capacity;
}

/** The samples held, as a new array (for tests and inspection; the hot path reads the ring itself). */
export function sampleValues(ring: SampleRing): number[] {
  return Array.from(ring.values.subarray(0, ring.size));
}

/**
 * Nearest-rank percentile (`fraction` in (0, 1]): always one of the samples, and at least
 * `fraction` of the samples are ≤ it. Undefined for no samples. Leaves `samples` as it was.
 */
export function percentile(samples: ArrayLike<number>, fraction: number): number | undefined {
  return nearestRank(samples, samples.length, fraction);
}

export function p95(samples: ArrayLike<number>): number | undefined {
  return percentile(samples, 0.95);
}

/** The nearest-rank percentile of the samples in `ring`, without allocating. */
export function ringPercentile(ring: SampleRing, fraction: number): number | undefined {
  return nearestRank(ring.values, ring.size, fraction);
}

/** The p95 of the samples in `ring`, without allocating. */
export function ringP95(ring: SampleRing): number | undefined {
  return ringPercentile(ring, 0.95);
}

/**
 * One scratch buffer for every percentile: selection reorders values, and the samples must
 * keep theirs. Sharing it is safe because JavaScript runs one call at a time and nothing
 * here yields; it only grows (to the largest ring, 100 slots by default).
 */
let scratch = new Float64Array(DEFAULT_SAMPLE_CAPACITY);

function nearestRank(samples: ArrayLike<number>, length: number, fraction: number): number | undefined {
  if (length === 0) return undefined;
  if (scratch.length < length) scratch = new Float64Array(Math.max(length, scratch.length * 2));
  for (let index = 0; index < length; index += 1) scratch[index] = samples[index];
  const rank = Math.min(length, Math.max(1, Math.ceil(fraction * length)));
  return selectInPlace(scratch, length, rank - 1);
}

/**
 * The `k`-th smallest (0-based) of `values[0..length)`, reordering them (Hoare's selection).
 * Linear on average, where a sort is n log n; the rings are small, so the middle element is
 * pivot enough.
 */
function selectInPlace(values: Float64Array, length: number, k: number): number {
  let left = 0;
  let right = length - 1;
  while (left < right) {
    const pivot = values[(left + right) >>> 1];
    let low = left;
    let high = right;
    while (low <= high) {
      while (values[low] < pivot) low += 1;
      while (values[high] > pivot) high -= 1;
      if (low <= high) {
        const held = values[low];
        values[low] = values[high];
        values[high] = held;
        low += 1;
        high -= 1;
      }
    }
    // Now [left..high] ≤ pivot ≤ [low..right], and anything between equals the pivot.
    if (k <= high) right = high;
    else if (k >= low) left = low;
    else return values[k];
  }
  return values[k];
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
