/**
 * Per-source checks after each routed round, and the breaker moves they cause. A source is
 * opened when it is stuck (the same value round after round while the others move), biased
 * (its smoothed deviation from the others is far out), or stale (old timestamps, round after
 * round). An open source is left out until its cool-down ends; then it is probed: compared
 * with the others every round without being used, and closed again when it has agreed for
 * a few rounds in a row. The breaker itself is
 * the shared one from src/resilience (cool-down doubling on repeated trips, capped).
 */
import { admit, closedBreaker, onResult, release } from '../resilience/breaker';
import { ewma } from '../resilience/health-maths';
import type { BreakerPolicy, BreakerState } from '../resilience/types';
import type { SourcePolicy } from './policy';
import { agreement, decayedTrust, learnTrust } from './trust';
import type { SourceState } from './types';

/** Weight of one round in the bias average: about the last ten rounds count. */
const BIAS_ALPHA = 0.15;
/** Weight of one round in the usual-offset average (a few days of hourly data). */
const OFFSET_ALPHA = 0.02;
/** One round's deviation counts at most this many sigmas towards the bias (a spike is not a bias). */
const BIAS_CLAMP = 10;
/** A probe agrees when within this many robust sigmas of the others. */
const PROBE_AGREEMENT_SIGMAS = 2.5;

export function newSourceState(sourceId: string, now: number, trust: number): SourceState {
  return { sourceId, trust, trustAt: now, breaker: closedBreaker(), stuckRounds: 0, staleRounds: 0, bias: 0, twinRounds: 0, probeStreak: 0 };
}

/** The shared breaker's policy for data sources: our checks decide failure, one failure trips. */
export function breakerPolicyFor(policy: SourcePolicy): BreakerPolicy {
  return {
    consecutiveFailures: 1,
    failureRate: 1,
    minimumRequests: Number.MAX_SAFE_INTEGER,
    windowMs: policy.breaker.cooldownMs,
    cooldownMs: policy.breaker.cooldownMs,
    maxCooldownMs: policy.breaker.maxCooldownMs,
    halfOpenProbes: 1,
  };
}

/** How the breaker stands for this round: `use` closed, `probe` half-open, `skip` open. */
export function breakerGate(state: BreakerState, policy: SourcePolicy, now: number): { gate: 'use' | 'probe' | 'skip'; next: BreakerState; reason: string } {
  if (state.status === 'closed') return { gate: 'use', next: state, reason: 'closed' };
  const decision = admit(state, breakerPolicyFor(policy), now);
  if (!decision.admitted) return { gate: 'skip', next: decision.next, reason: decision.reason };
  return { gate: decision.probe ? 'probe' : 'use', next: decision.next, reason: decision.reason };
}

/** What one round showed about one source. */
export interface Observation {
  value: number;
  /** Timestamp within the policy's staleness limit. */
  fresh: boolean;
  /** Signed distance from the others' median in robust sigmas; undefined with no fresh peer. */
  sigmas: number | undefined;
  /** Relative deviation from the others' median ((value − median) / |median|). */
  relative?: number;
  /** Fresh peers it was compared with. */
  peers: number;
  /** The others' median moved by more than noise since the last round. */
  consensusMoved: boolean;
  /** This round was a half-open probe (gate `probe`). */
  probing: boolean;
}

/** The source's state after a routed round, and what changed (for events and reasons). */
export function observe(state: SourceState, seen: Observation, policy: SourcePolicy, now: number): { next: SourceState; change?: 'opened' | 'closed'; why?: string } {
  const trust = decayedTrust(state.trust, now - state.trustAt, policy.trust.halfLifeMs);
  const next: SourceState = { ...state, trust, trustAt: now, lastSeenAt: now };
  const unchanged = state.lastValue !== undefined && seen.value === state.lastValue;
  next.lastValue = seen.value;
  next.staleRounds = seen.fresh ? 0 : state.staleRounds + 1;
  if (seen.fresh && seen.sigmas !== undefined) {
    // With one peer nobody can tell which of the two is wrong: learn at half the rate.
    const rate = policy.trust.learningRate * (seen.peers >= 2 ? 1 : 0.5);
    next.trust = learnTrust(trust, agreement(Math.abs(seen.sigmas)), rate);
    // Bias needs a majority to be judged against; with one peer it would convict both.
    if (seen.peers >= 2) next.bias = ewma(state.bias, clamp(seen.sigmas, BIAS_CLAMP), BIAS_ALPHA);
    // The usual offset is learnt only while the source looks healthy, so a fault does not become its norm.
    if (seen.peers >= 2 && seen.relative !== undefined && !seen.probing && state.breaker.status === 'closed' && Math.abs(seen.sigmas) < policy.breaker.biasThreshold) {
      next.offset = ewma(state.offset, clamp(seen.relative, 1), OFFSET_ALPHA);
    }
  }
  if (seen.fresh) next.stuckRounds = unchanged && seen.consensusMoved ? state.stuckRounds + 1 : unchanged ? state.stuckRounds : 0;

  if (seen.probing) return settleProbe(next, seen, unchanged, policy, now);
  if (next.breaker.status !== 'closed') return { next };
  const why = faultOf(next, policy);
  if (why === undefined) return { next };
  return { next: trip(next, why, policy, now), change: 'opened', why };
}

function faultOf(state: SourceState, policy: SourcePolicy): string | undefined {
  if (state.stuckRounds >= policy.breaker.stuckRounds) return `stuck: the same value ${state.stuckRounds} rounds while the others moved`;
  if (state.staleRounds >= policy.breaker.staleRounds) return `stale: old timestamps ${state.staleRounds} rounds in a row`;
  if (Math.abs(state.bias) >= policy.breaker.biasThreshold) return `biased: ${state.bias > 0 ? '+' : ''}${state.bias.toFixed(1)} robust sigmas from the others on average`;
  return undefined;
}

/**
 * A half-open source's reading this round, compared with the others. Unlike an LLM call, a
 * probe costs nothing here (the reading has already been fetched), so a half-open source is
 * probed every round; it closes after `probeRounds` agreeing rounds in a row, and a failed
 * probe only restarts that count instead of re-opening with a doubled cool-down (which would
 * keep a recovered source out for days after a one-day fault).
 */
function settleProbe(state: SourceState, seen: Observation, unchanged: boolean, policy: SourcePolicy, now: number): { next: SourceState; change?: 'opened' | 'closed'; why?: string } {
  const agrees = seen.fresh && (seen.sigmas === undefined || Math.abs(seen.sigmas) <= PROBE_AGREEMENT_SIGMAS);
  // A stuck source that happens to sit near the others is still stuck.
  const moving = !(unchanged && seen.consensusMoved);
  if (agrees && moving) {
    const streak = state.probeStreak + 1;
    if (streak < policy.breaker.probeRounds) return { next: { ...state, breaker: release(state.breaker, true), probeStreak: streak } };
    const breaker = onResult(state.breaker, 'success', { successes: 1, failures: 0 }, 0, breakerPolicyFor(policy), now, true);
    // Start the detectors afresh: the history that opened it is not evidence against it now.
    return { next: { ...state, breaker, openReason: undefined, bias: 0, stuckRounds: 0, staleRounds: 0, probeStreak: 0 }, change: 'closed', why: `agreed with the others ${streak} probes in a row` };
  }
  const why = !seen.fresh ? 'still stale' : !moving ? 'still stuck' : `still ${seen.sigmas?.toFixed(1)} sigmas from the others`;
  return { next: { ...state, breaker: release(state.breaker, true), probeStreak: 0, openReason: `${state.openReason?.replace(/; probe: .*$/, '') ?? 'opened'}; probe: ${why}` } };
}

function trip(state: SourceState, why: string, policy: SourcePolicy, now: number): SourceState {
  const breaker = onResult(state.breaker, 'failure', { successes: 0, failures: 1 }, 1, breakerPolicyFor(policy), now, state.breaker.status === 'half-open');
  return { ...state, breaker, openReason: why };
}

function clamp(value: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, value));
}
