/**
 * A retry budget (token bucket): every request deposits `ratio` tokens, every retry of the
 * same upstream withdraws one. During an outage retries stop once the bucket is empty, so
 * they add at most `ratio` × the request volume instead of multiplying it.
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly ratio: number,
    /** Also the starting balance, so a quiet route can still retry a few times. */
    private readonly capacity = 10,
  ) {
    this.tokens = capacity;
  }

  deposit(): void {
    this.tokens = Math.min(this.capacity, this.tokens + this.ratio);
  }

  tryWithdraw(): boolean {
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  get balance(): number {
    return this.tokens;
  }
}

/** Full-jitter exponential backoff: uniform in [0, min(max, base × 2^retry)). */
export function backoffDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  return random() * Math.min(maxDelayMs, baseDelayMs * 2 ** retry);
}
