/**
 * One deployment's health record and how attempts update it. Shared by every StateStore
 * implementation so that they agree on the arithmetic and differ only in where the record
 * lives. No I/O and no clock (time is passed in), so a shared store can apply the same
 * functions to a record it has just loaded.
 *
 * The record is updated in place: `recordStart`, `recordEnd`, `clearFlags` and `followPolicy`
 * change the record they are given. Every attempt runs them, and copying the record (its
 * window, its sample ring) on each one was the gateway's main source of garbage. What leaves
 * the store is a snapshot (`toSnapshot`): numbers copied out, plus the breaker state and last
 * error, which are never changed in place, only replaced, so a snapshot keeps its values
 * whatever happens to the record afterwards.
 */
import { adoptProbe, closedBreaker, onResult, release } from '../resilience/breaker';
import {
  addToMinute,
  clearWindow,
  createMinuteCounter,
  createSampleRing,
  createSlidingWindow,
  ewma,
  MINUTE_MS,
  minuteTotals,
  pushSample,
  recordOutcome,
  ringP95,
  windowCounts,
  windowSpan,
  type MinuteCounter,
  type MinuteTotals,
  type SampleRing,
  type SlidingWindow,
  type WindowCounts,
} from '../resilience/health-maths';
import type { BreakerPolicy, BreakerState } from '../resilience/types';
import type { HealthSnapshot } from '../routing/health';
import type { EndedAttempt } from './types';

/** Cool-down after a 429 that named no Retry-After. */
export const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 1_000;

/** A recorded error; replaced, never changed, so snapshots may share it. */
export type LastError = Readonly<NonNullable<HealthSnapshot['lastError']>>;

/** Everything kept per deployment; fixed size whatever the traffic. */
export interface DeploymentHealth {
  latencyMs: number | undefined;
  ttftMs: number | undefined;
  readonly ttftSamples: SampleRing;
  /** Recomputed as samples arrive, so that snapshots on the hot path do not sort. */
  ttftP95Ms: number | undefined;
  /** Replaced when the policy's window length changes. */
  window: SlidingWindow;
  consecutiveFailures: number;
  inFlight: number;
  readonly minute: MinuteCounter;
  lastError: LastError | undefined;
  /** An immutable value from src/resilience/breaker.ts: replaced on every change, never edited. */
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

/**
 * Follows a policy change (config reload), in place: a window of another length starts empty.
 * Returns whether anything changed.
 */
export function followPolicy(health: DeploymentHealth, policy: BreakerPolicy): boolean {
  if (health.window.windowMs === windowSpan(policy.windowMs)) return false;
  health.window = createSlidingWindow(policy.windowMs);
  return true;
}

/** An attempt started: in flight and counted in this minute. Changes `health` in place. */
export function recordStart(health: DeploymentHealth, now: number): void {
  health.inFlight += 1;
  addToMinute(health.minute, now, 1, 0);
}

/**
 * Applies one finished attempt to `health`, in place; `ewmaAlpha` weighs the new latency
 * samples. The breaker moves by replacement (see `DeploymentHealth.breaker`).
 */
export function recordEnd(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, ewmaAlpha: number, now: number): void {
  health.inFlight = Math.max(0, health.inFlight - 1);
  // Tokens are counted whatever the verdict: an aborted stream still spent the upstream's TPM.
  if (result.tokens > 0) addToMinute(health.minute, now, 0, result.tokens);
  switch (result.verdict) {
    case 'success':
      recordSuccess(health, result, policy, ewmaAlpha, now);
      return;
    case 'failure':
      recordFailure(health, result, policy, now);
      return;
    case 'rate-limited': {
      const until = now + (result.retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS);
      health.coolingDownUntil = Math.max(until, health.coolingDownUntil ?? until);
      health.lastError = errorOf(result, now);
      health.breaker = release(health.breaker, result.probe);
      return;
    }
    case 'misconfigured':
      health.misconfigured = true;
      health.lastError = errorOf(result, now);
      health.breaker = release(health.breaker, result.probe);
      return;
    case 'neutral':
      health.breaker = release(health.breaker, result.probe);
      return;
  }
}

/**
 * Applies an attempt another replica made: the same arithmetic as `recordEnd`, counted as a
 * request of its minute, but this replica's in-flight count stays its own. A probe's verdict
 * decides this breaker too (see `adoptProbe`).
 */
export function recordRemoteEnd(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, ewmaAlpha: number, now: number): void {
  const { inFlight } = health;
  const probe = result.probe && health.breaker.status !== 'closed';
  if (probe) health.breaker = adoptProbe(health.breaker);
  addToMinute(health.minute, now, 1, 0);
  recordEnd(health, probe === result.probe ? result : { ...result, probe }, policy, ewmaAlpha, now);
  health.inFlight = inFlight;
}

/** Scratch for window counts: used and read within one synchronous call, never kept. */
const counts: WindowCounts = { successes: 0, failures: 0 };

function recordSuccess(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, alpha: number, now: number): void {
  recordOutcome(health.window, 'success', now);
  const before = health.breaker;
  health.breaker = onResult(before, 'success', windowCounts(health.window, now, counts), 0, policy, now, result.probe);
  // Only successes feed the latency averages: a refused connection fails fast and would
  // make a broken deployment look quick.
  health.latencyMs = ewma(health.latencyMs, result.latencyMs, alpha);
  if (result.ttftMs !== undefined) {
    health.ttftMs = ewma(health.ttftMs, result.ttftMs, alpha);
    pushSample(health.ttftSamples, result.ttftMs);
    if (p95Due(health.ttftSamples)) health.ttftP95Ms = ringP95(health.ttftSamples);
  }
  // A recovered breaker starts a fresh window; the failures that tripped it would re-trip it at once.
  if (recovered(before, health.breaker)) {
    clearWindow(health.window);
    recordOutcome(health.window, 'success', now);
  }
  health.consecutiveFailures = 0;
  health.misconfigured = false;
}

function recordFailure(health: DeploymentHealth, result: EndedAttempt, policy: BreakerPolicy, now: number): void {
  recordOutcome(health.window, 'failure', now);
  health.consecutiveFailures += 1;
  health.breaker = onResult(health.breaker, 'failure', windowCounts(health.window, now, counts), health.consecutiveFailures, policy, now, result.probe);
  health.lastError = errorOf(result, now);
}

/**
 * Once the ring holds enough samples the p95 is refreshed every tenth sample rather than on
 * every success: a tail estimate does not move with one sample.
 */
function p95Due(ring: SampleRing): boolean {
  return ring.size < 20 || ring.next % 10 === 0;
}

function recovered(before: BreakerState, after: BreakerState): boolean {
  return before.status !== 'closed' && after.status === 'closed';
}

function errorOf(result: EndedAttempt, now: number): LastError {
  // Frozen because snapshots share it rather than copy it.
  return Object.freeze({ code: result.errorCode ?? result.verdict, message: result.errorMessage ?? '', at: now });
}

/** Clears what a config change may have fixed, in place: wrong credentials and a 429 cool-down. */
export function clearFlags(health: DeploymentHealth): void {
  health.misconfigured = false;
  health.coolingDownUntil = undefined;
}

/** Scratch for minute totals, like `counts`. */
const totals: MinuteTotals = { requests: 0, units: 0 };

/**
 * The routing view of a record at `now`: a new frozen object, so later updates of the record
 * never show through it. The breaker state and last error are shared, not copied: both are
 * immutable values.
 */
export function toSnapshot(deployment: string, health: DeploymentHealth, now: number): HealthSnapshot {
  const { successes, failures } = windowCounts(health.window, now, counts);
  const windowRequests = successes + failures;
  minuteTotals(health.minute, now, totals);
  // Every field is always present (undefined when unknown) so that all snapshots share one shape.
  return Object.freeze({
    deployment,
    latencyMs: health.latencyMs,
    ttftMs: health.ttftMs,
    ttftP95Ms: health.ttftP95Ms,
    successRate: windowRequests === 0 ? 1 : successes / windowRequests,
    windowRequests,
    consecutiveFailures: health.consecutiveFailures,
    inFlight: health.inFlight,
    requestsThisMinute: totals.requests,
    tokensThisMinute: totals.units,
    lastError: health.lastError,
    breaker: health.breaker,
    // A cool-down that has passed is not news to the planner.
    coolingDownUntil: health.coolingDownUntil !== undefined && health.coolingDownUntil > now ? health.coolingDownUntil : undefined,
    misconfigured: health.misconfigured,
  });
}

/**
 * Until when a snapshot taken at `now` stays true if the record is not updated: the window
 * drops a bucket, the minute turns or a cool-down ends at fixed times. A store may hand out
 * the same snapshot for reads in [now, this time).
 */
export function snapshotExpiry(health: DeploymentHealth, now: number): number {
  const bucketMs = health.window.bucketMs;
  let until = Math.min((Math.floor(now / bucketMs) + 1) * bucketMs, (Math.floor(now / MINUTE_MS) + 1) * MINUTE_MS);
  if (health.coolingDownUntil !== undefined && health.coolingDownUntil > now) until = Math.min(until, health.coolingDownUntil);
  return until;
}
