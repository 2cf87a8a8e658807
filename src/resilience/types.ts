/**
 * Breaker state and policy, and how an attempt counts towards an upstream's health: plain data
 * with no LLM terms, shared by the LLM gateway (deployments) and the data-source router
 * (sources). The maths is in breaker.ts and health-maths.ts (pure, injected clock).
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

/** When an upstream trips its breaker and how it recovers. */
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
 * - `failure`: the upstream is broken (timeouts, connection errors, 5xx, malformed answers);
 * - `rate-limited`: a 429: cool down for Retry-After, not broken;
 * - `misconfigured`: 401/403: our credentials are wrong; skip it until they change;
 * - `neutral`: the caller's fault (400, 413, 422, context length) or the caller left: no signal.
 */
export type AttemptVerdict = 'success' | 'failure' | 'rate-limited' | 'misconfigured' | 'neutral';
