/**
 * Live health of a deployment as routing sees it. Plain data: the maths that updates it lives in
 * src/resilience (pure, injected clock); where it is stored lives behind the StateStore port
 * (src/state).
 */
import type { AttemptVerdict, BreakerState } from '../resilience/types';

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
