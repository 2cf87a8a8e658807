/**
 * One target's recent requests (a deployment's attempts, or a route's requests) in time buckets
 * over a rolling window: counts, errors, and latencies in a log-scale histogram, so memory is
 * bounded whatever the traffic and percentiles cost a pass over a few dozen bins. Pure apart
 * from the state it keeps; the caller gives every instant.
 */

/** Latency bins grow by this ratio: a percentile is known to within 12%. */
const BIN_RATIO = 1.12;
const BINS = 120;
const LOG_RATIO = Math.log(BIN_RATIO);

interface Bucket {
  start: number;
  requests: number;
  errors: number;
  latencySum: number;
  bins: Uint32Array;
}

export interface WindowSummary {
  requests: number;
  errors: number;
  /** errors / requests (0 with no requests). */
  errorRate: number;
  /** 1 − errorRate: the share of requests answered. */
  availability: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export class RollingWindow {
  readonly #buckets: Bucket[] = [];

  constructor(
    readonly windowMs: number,
    readonly bucketMs: number,
  ) {}

  add(now: number, latencyMs: number, ok: boolean): void {
    const bucket = this.#bucketAt(now);
    bucket.requests += 1;
    if (!ok) bucket.errors += 1;
    bucket.latencySum += latencyMs;
    bucket.bins[binOf(latencyMs)]! += 1;
  }

  summary(now: number): WindowSummary {
    this.#prune(now);
    let requests = 0;
    let errors = 0;
    let latencySum = 0;
    const bins = new Uint32Array(BINS);
    for (const bucket of this.#buckets) {
      requests += bucket.requests;
      errors += bucket.errors;
      latencySum += bucket.latencySum;
      for (let index = 0; index < BINS; index += 1) bins[index]! += bucket.bins[index]!;
    }
    const errorRate = requests === 0 ? 0 : errors / requests;
    return {
      requests,
      errors,
      errorRate,
      availability: 1 - errorRate,
      meanMs: requests === 0 ? 0 : latencySum / requests,
      p50Ms: percentile(bins, requests, 0.5),
      p95Ms: percentile(bins, requests, 0.95),
      p99Ms: percentile(bins, requests, 0.99),
    };
  }

  #bucketAt(now: number): Bucket {
    const start = now - (now % this.bucketMs);
    const last = this.#buckets.at(-1);
    if (last !== undefined && last.start === start) return last;
    this.#prune(now);
    const bucket: Bucket = { start, requests: 0, errors: 0, latencySum: 0, bins: new Uint32Array(BINS) };
    this.#buckets.push(bucket);
    return bucket;
  }

  #prune(now: number): void {
    while (this.#buckets.length > 0 && this.#buckets[0]!.start + this.bucketMs <= now - this.windowMs) this.#buckets.shift();
  }
}

function binOf(latencyMs: number): number {
  if (!(latencyMs > 1)) return 0;
  return Math.min(BINS - 1, Math.ceil(Math.log(latencyMs) / LOG_RATIO));
}

/** The upper edge of the bin holding the `share` quantile. */
function percentile(bins: Uint32Array, total: number, share: number): number {
  if (total === 0) return 0;
  const rank = Math.ceil(share * total);
  let seen = 0;
  for (let index = 0; index < BINS; index += 1) {
    seen += bins[index]!;
    if (seen >= rank) return Math.round(BIN_RATIO ** index * 10) / 10;
  }
  return Math.round(BIN_RATIO ** (BINS - 1));
}
