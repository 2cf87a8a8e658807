/**
 * Live health of a deployment as routing sees it, and the breaker's state. Plain data: the
 * maths that updates it lives in src/core/health-maths.ts and src/core/breaker.ts (pure, injected
 * clock); where it is stored lives behind the StateStore port (src/state).
 */

export type BreakerStatus = 'closed' | 'open' | 'half-open';

export interface BreakerState {
  status: BreakerStatus;
  /** Consecutive trips without a full recovery; each one lengthens the cool-down (capped). */
  trips: number;
  /** When the breaker last opened (ms epoch). */
  openedAt?: number;
  /** While open: when it may move to half-open (ms epoch). */
  retryAt?: number;
  /** While half-open: probe requests admitted and not yet finished. */
  probesInFlight: number;
}

/** When a deployment trips its breaker and how it recovers. */
export interface BreakerPolicy {
  /** Open after this many consecutive failures. */
  consecutiveFailures: number;
  /** Or open when the failure rate over the window reaches this share (0..1)… */
  failureRate: number;
  /** …and the window holds at least this many requests. */
  minimumRequests: number;
  /** Length of the sliding window for the failure rate. */
  windowMs: number;
  /** First cool-down while open; doubles on each repeated trip up to `maxCooldownMs`. */
  cooldownMs: number;
  maxCooldownMs: number;
  /** Probe requests admitted at once while half-open. */
  halfOpenProbes: number;
}

export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  consecutiveFailures: 5,
  failureRate: 0.5,
  minimumRequests: 10,
  windowMs: 30_000,
  cooldownMs: 5_000,
  maxCooldownMs: 60_000,
  halfOpenProbes: 1,
};

/**
 * How one finished attempt counts towards health:
 * - `success`: it worked;
 * - `failure`: the deployment is broken (timeouts, connection errors, 5xx, malformed answers);
 * - `rate-limited`: a 429: cool down for Retry-After, not broken;
 * - `misconfigured`: 401/403: our credentials are wrong; skip it until they change;
 * - `neutral`: the caller's fault (400, 413, 422, context length) or the caller left: no signal.
 */
export type AttemptVerdict = 'success' | 'failure' | 'rate-limited' | 'misconfigured' | 'neutral';

/** One attempt's result as health tracking records it. */
export interface AttemptResult {
  verdict: AttemptVerdict;
  /** Whole attempt duration. */
  latencyMs: number;
  /** Time to first byte, for streams (or the whole answer for non-streamed requests). */
  ttftMs?: number;
  /** Tokens used (input + output), for per-minute token accounting. */
  tokens: number;
  errorCode?: string;
  errorMessage?: string;
  /** For `rate-limited`: how long the upstream asked us to wait. */
  retryAfterMs?: number;
}

/**
 * One deployment's health as routing sees it at one time. A value: a store never changes a
 * snapshot it has handed out, and may hand the same one to several readers (the memory store
 * freezes them, breaker state and last error included), so readers must not edit it.
 */
export interface HealthSnapshot {
  deployment: string;
  /** EWMA of attempt latency; undefined before the first sample. */
  latencyMs: number | undefined;
  /** EWMA of time to first token. */
  ttftMs: number | undefined;
  /** Observed 95th percentile of time to first token over recent attempts (hedging delay). */
  ttftP95Ms: number | undefined;
  /** Successes / (successes + failures) over the window; 1 with no samples. */
  successRate: number;
  /** Requests counted in the window (successes + failures). */
  windowRequests: number;
  consecutiveFailures: number;
  inFlight: number;
  /** Requests and tokens started in the current minute (for RPM/TPM headroom). */
  requestsThisMinute: number;
  tokensThisMinute: number;
  lastError?: { code: string; message: string; at: number };
  breaker: BreakerState;
  /** After a 429: no new requests before this time (ms epoch). */
  coolingDownUntil?: number;
  /** After a 401/403: credentials are wrong. */
  misconfigured: boolean;
}
