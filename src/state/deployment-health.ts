/**
 * One deployment's health record and how attempts update it. Pure: every function returns a
 * new record, time is passed in. Shared by every StateStore implementation so that they
 * agree on the arithmetic and differ only in where the record lives.
 */
import { closedBreaker, onResult, release } from '../core/breaker';
import {
  addToMinute,
  createMinuteCounter,
  createSampleRing,
  createSlidingWindow,
  ewma,
  minuteTotals,
  p95,
  pushSample,
  recordOutcome,
  windowCounts,
  type MinuteCounter,
  type SampleRing,
  type SlidingWindow,
} from '../core/health-maths';
import type { BreakerPolicy, BreakerState, HealthSnapshot } from '../core/health';
import type { EndedAttempt } from './types';

/** Cool-down after a 429 that named no Retry-After. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 1_000;

/** Everything kept per deployment; fixed size whatever the traffic. */
export interface DeploymentHealth {
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  ttftSamples: SampleRing;
  /** Recomputed on each new sample, so that snapshots on the hot path do not sort. */
  ttftP95Ms: number | undefined;
  window: SlidingWindow;
  consecutiveFailures: number;
  inFlight: number;
  minute: MinuteCounter;
  lastError: HealthSnapshot['lastError'];
  breaker: BreakerState;
  coolingDownUntil: number | undefined;
  misconfigured: boolean;
}

export function createDeploymentHealth(policy: BreakerPolicy): DeploymentHealth {
  return {
    latencyMs: undefined,
    ttftMs: undefined,
    ttftSamples: createSampleRing(),
    ttftP95Ms: undefined,
    window: createSlidingWindow(policy.windowMs),
    consecutiveFailures: 0,
    inFlight: 0,
    minute: createMinuteCounter(),
    lastError: undefined,
    breaker: closedBreaker(),
    coolingDownUntil: undefined,
    misconfigured: false,
  };
}

/** Follows a policy change (config reload): a window of another length starts empty. */
export function withPolicy(health: DeploymentHealth, policy: BreakerPolicy): DeploymentHealth {
  if (health.window.windowMs === Math.max(1, Math.floor(policy.windowMs))) return health;
  return { ...health, window: createSlidingWindow(policy.windowMs) };
}

export function recordStart(health: DeploymentHealth, now: number): DeploymentHealth {
  return { ...health, inFlight: health.inFlight + 1, minute: addToMinute(health.minute, now, 1, 0) };
}

/** Applies one finished attempt; `ewmaAlpha` weighs the new latency samples. */
export function recordEnd(
  health: DeploymentHealth,
  result: EndedAttempt,
  policy: BreakerPolicy,
  ewmaAlpha: number,
  now: number,
): DeploymentHealth {
  // Tokens are counted whatever the verdict: an aborted stream still spent the upstream's TPM.
  const ended: DeploymentHealth = {
    ...health,
    inFlight: Math.max(0, health.inFlight - 1),
    minute: result.tokens > 0 ? addToMinute(health.minute, now, 0, result.tokens) : health.minute,
  };
  switch (result.verdict) {
    case 'success':
      return recordSuccess(ended, result, policy, ewmaAlpha, now);
    case 'failure':
      return recordFailure(ended, result, policy, now);
    case 'rate-limited': {
      const until = now + (result.retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS);
      return {
        ...ended,
        coolingDownUntil: Math.max(until, ended.coolingDownUntil ?? until),
        lastError: errorOf(result, now),
        breaker: release(ended.breaker, result.probe),
      };
    }
    case 'misconfigured':
      return { ...ended, misconfigured: true, lastError: errorOf(result, now), breaker: release(ended.breaker, result.probe) };
    case 'neutral':
      return { ...ended, breaker: release(ended.breaker, result.probe) };
  }
}

function recordSuccess(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, alpha: number, now: number): DeploymentHealth {
  const window = recordOutcome(health.window, 'success', now);
  const breaker = onResult(health.breaker, 'success', windowCounts(window, now), 0, policy, now, result.probe);
  const ttftSamples = result.ttftMs === undefined ? health.ttftSamples : pushSample(health.ttftSamples, result.ttftMs);
  return {
    ...health,
    // Only successes feed the latency averages: a refused connection fails fast and would
    // make a broken deployment look quick.
    latencyMs: ewma(health.latencyMs, result.latencyMs, alpha),
    ttftMs: result.ttftMs === undefined ? health.ttftMs : ewma(health.ttftMs, result.ttftMs, alpha),
    ttftSamples,
    ttftP95Ms: ttftSamples === health.ttftSamples || !p95Due(ttftSamples) ? health.ttftP95Ms : p95(ttftSamples.values),
    // A recovered breaker starts a fresh window; the failures that tripped it would re-trip it at once.
    window: recovered(health.breaker, breaker) ? recordOutcome(createSlidingWindow(policy.windowMs), 'success', now) : window,
    consecutiveFailures: 0,
    misconfigured: false,
    breaker,
  };
}

function recordFailure(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, now: number): DeploymentHealth {
  const window = recordOutcome(health.window, 'failure', now);
  const consecutiveFailures = health.consecutiveFailures + 1;
  const breaker = onResult(health.breaker, 'failure', windowCounts(window, now), consecutiveFailures, policy, now, result.probe);
  return { ...health, window, consecutiveFailures, lastError: errorOf(result, now), breaker };
}

/**
 * The p95 sorts the whole ring, so once the ring holds enough samples it is refreshed every
 * tenth sample rather than on every success: a tail estimate does not move with one sample.
 */
function p95Due(ring: { values: readonly number[]; next: number }): boolean {
  return ring.values.length < 20 || ring.next % 10 === 0;
}

function recovered(before: BreakerState, after: BreakerState): boolean {
  return before.status !== 'closed' && after.status === 'closed';
}

function errorOf(result: EndedAttempt, now: number): HealthSnapshot['lastError'] {
  return { code: result.errorCode ?? result.verdict, message: result.errorMessage ?? '', at: now };
}

/** Clears what a config change may have fixed: wrong credentials and a 429 cool-down. */
export function clearFlags(health: DeploymentHealth): DeploymentHealth {
  return { ...health, misconfigured: false, coolingDownUntil: undefined };
}

/** The routing view of a record at `now`. */
export function toSnapshot(deployment: string, health: DeploymentHealth, now: number): HealthSnapshot {
  const { successes, failures } = windowCounts(health.window, now);
  const windowRequests = successes + failures;
  const { requests, tokens } = minuteTotals(health.minute, now);
  const snapshot: HealthSnapshot = {
    deployment,
    latencyMs: health.latencyMs,
    ttftMs: health.ttftMs,
    ttftP95Ms: health.ttftP95Ms,
    successRate: windowRequests === 0 ? 1 : successes / windowRequests,
    windowRequests,
    consecutiveFailures: health.consecutiveFailures,
    inFlight: health.inFlight,
    requestsThisMinute: requests,
    tokensThisMinute: tokens,
    breaker: { ...health.breaker },
    misconfigured: health.misconfigured,
  };
  if (health.lastError !== undefined) snapshot.lastError = { ...health.lastError };
  // A cool-down that has passed is not news to the planner.
  if (health.coolingDownUntil !== undefined && health.coolingDownUntil > now) snapshot.coolingDownUntil = health.coolingDownUntil;
  return snapshot;
}
