/**
 * Circuit breaker decisions as tiny pure functions over BreakerState: whether to admit an
 * attempt, and how the state moves when one finishes. Where the state is kept (and how
 * replicas agree on it) is the StateStore's business, not this file's.
 *
 * Invariant: `probesInFlight` is the number of probes admitted and not yet finished, whatever
 * the status. Every admitted probe must be finished with `onResult` or `release` exactly once.
 *
 * States are values: a function that changes nothing returns the state it was given (the
 * common case: a closed breaker admitting, a success leaving it closed), and every new state
 * is frozen, so stores and the snapshots they hand out can share one without copying it.
 */
import type { BreakerPolicy, BreakerState } from './types';

/** What `admit` decided, and the state to keep after it. */
export interface AdmitDecision {
  admitted: boolean;
  /** The attempt is a half-open probe: report its end with `wasProbe: true`. */
  probe: boolean;
  next: BreakerState;
  reason: string;
}

/** Outcomes counted over the breaker's window, this attempt included. */
export interface BreakerWindow {
  successes: number;
  failures: number;
}

export function closedBreaker(): BreakerState {
  return frozen({ status: 'closed', trips: 0, probesInFlight: 0 });
}

function frozen(state: BreakerState): BreakerState {
  return Object.freeze(state);
}

/** Cool-down after `trips` earlier trips without recovery: doubles each time, capped. */
export function cooldownFor(trips: number, policy: BreakerPolicy): number {
  return Math.min(policy.maxCooldownMs, policy.cooldownMs * 2 ** trips);
}

/** Asks the breaker to let one attempt through at `now`. */
export function admit(state: BreakerState, policy: BreakerPolicy, now: number): AdmitDecision {
  switch (state.status) {
    case 'closed':
      return { admitted: true, probe: false, next: state, reason: 'closed' };
    case 'open': {
      const retryAt = state.retryAt ?? now;
      if (now < retryAt) {
        const reason = `open until ${new Date(retryAt).toISOString()} (${retryAt - now} ms left)`;
        return { admitted: false, probe: false, next: state, reason };
      }
      // Frozen too: with no probe slot free, admitProbe keeps it as the next state.
      return admitProbe(frozen({ ...state, status: 'half-open', retryAt: undefined }), policy);
    }
    case 'half-open':
      return admitProbe(state, policy);
  }
}

function admitProbe(state: BreakerState, policy: BreakerPolicy): AdmitDecision {
  if (state.probesInFlight >= policy.halfOpenProbes) {
    const reason = `half-open: ${state.probesInFlight} of ${policy.halfOpenProbes} probe(s) already in flight`;
    return { admitted: false, probe: false, next: state, reason };
  }
  const next = frozen({ ...state, probesInFlight: state.probesInFlight + 1 });
  return { admitted: true, probe: true, next, reason: `half-open: probe ${next.probesInFlight} of ${policy.halfOpenProbes}` };
}

/**
 * The state after an attempt finished with a success or a failure. `window` and
 * `consecutiveFailures` already include this attempt. Only probes decide a half-open breaker;
 * attempts admitted before it opened finish without moving it.
 */
export function onResult(
  state: BreakerState,
  verdict: 'success' | 'failure',
  window: BreakerWindow,
  consecutiveFailures: number,
  policy: BreakerPolicy,
  now: number,
  wasProbe: boolean,
): BreakerState {
  const released = release(state, wasProbe);
  switch (released.status) {
    case 'closed':
      return verdict === 'failure' && shouldTrip(window, consecutiveFailures, policy) ? trip(released, policy, now) : released;
    case 'half-open':
      if (!wasProbe) return released;
      return verdict === 'success' ? frozen({ status: 'closed', trips: 0, probesInFlight: released.probesInFlight }) : trip(released, policy, now);
    case 'open':
      // A probe finishing after a sibling probe already re-opened the breaker: that sibling decided.
      return released;
  }
}

/**
 * Another replica's probe ended: this breaker takes the verdict as if the probe were its own,
 * whether it was still open or already half-open. The slot added here is the one `onResult`
 * releases, so the count of this replica's own probes is unchanged. A closed breaker stays as it is.
 */
export function adoptProbe(state: BreakerState): BreakerState {
  if (state.status === 'closed') return state;
  return frozen({ ...state, status: 'half-open', retryAt: undefined, probesInFlight: state.probesInFlight + 1 });
}

/** Frees the probe slot of an attempt that ended with no verdict on the upstream (caller error, abort, 429). */
export function release(state: BreakerState, wasProbe: boolean): BreakerState {
  if (!wasProbe || state.probesInFlight === 0) return state;
  return frozen({ ...state, probesInFlight: state.probesInFlight - 1 });
}

function shouldTrip(window: BreakerWindow, consecutiveFailures: number, policy: BreakerPolicy): boolean {
  const requests = window.successes + window.failures;
  if (consecutiveFailures >= streakThreshold(window, policy)) return true;
  // The window's rate must be at the threshold with 95% confidence (Wilson lower bound): a
  // 30%-failing upstream shows 5 failures in 10 requests often enough to trip on noise.
  return requests > 0 && requests >= policy.minimumRequests && failureRateLowerBound(window.failures, requests) >= policy.failureRate;
}

/** Lower end of the 95% Wilson score interval of a failure rate. */
export function failureRateLowerBound(failures: number, requests: number): number {
  const z = 1.96;
  const rate = failures / requests;
  const z2 = z * z;
  const centre = rate + z2 / (2 * requests);
  const spread = z * Math.sqrt((rate * (1 - rate)) / requests + z2 / (4 * requests * requests));
  return (centre - spread) / (1 + z2 / requests);
}

/** A streak this unlikely under the upstream's own recent failure rate means something changed. */
const STREAK_CHANCE = 1e-6;

/**
 * How many consecutive failures open the breaker. At low volume, `policy.consecutiveFailures`.
 * At high volume an upstream that fails now and then (say 30% of requests) would hit five in a
 * row every few seconds and spend its life open, failing every request instead of 30%; so the
 * streak must also be one its recent failure rate makes improbable (chance below STREAK_CHANCE).
 * A real outage on top of a low baseline still trips within a dozen failures.
 */
export function streakThreshold(window: BreakerWindow, policy: BreakerPolicy): number {
  const requests = window.successes + window.failures;
  if (requests < policy.minimumRequests) return policy.consecutiveFailures;
  const rate = window.failures / requests;
  if (rate <= 0 || rate >= 1) return policy.consecutiveFailures;
  return Math.max(policy.consecutiveFailures, Math.ceil(Math.log(STREAK_CHANCE) / Math.log(rate)));
}

function trip(state: BreakerState, policy: BreakerPolicy, now: number): BreakerState {
  return frozen({
    status: 'open',
    trips: state.trips + 1,
    openedAt: now,
    retryAt: now + cooldownFor(state.trips, policy),
    probesInFlight: state.probesInFlight,
  });
}
