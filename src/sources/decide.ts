/**
 * One routing decision as a pure function: the metric's state, the readings, the policy and
 * the time in; the answer (or the reason there is none) and the sources' next states out.
 * The router shell (router.ts) commits the new state for routed requests and drops it for
 * advisory ones, which is what keeps advisory mode from touching routed state.
 */
import { confidenceOf, syntheticConfidence } from './confidence';
import { fuse, type FusionOutput } from './fusion';
import { toleranceAt, ttlFor, type SourcePolicy } from './policy';
import { breakerGate, newSourceState, observe } from './source-checks';
import { median, robustScale, weightedMedian } from './stats';
import { forecast } from './synthetic';
import { TRUST_PRIOR, decayedTrust } from './trust';
import type { Candidate, MetricState, RouteRequest, RouteResult, SourceState, SourceStatus, SourceVerdict } from './types';

/** Rounds two sources must report exactly the same changing value before they count as one. */
export const TWIN_ROUNDS = 6;
/** Health reports older than this many staleness budgets no longer count. */
const HEALTH_MEMORY = 24;
/** Trust at or above which a source counts as a full equal in the fusion. */
export const TRUST_FULL = 0.25;

export interface BreakerChange {
  sourceId: string;
  to: 'opened' | 'closed';
  reason: string;
}

export interface Decision {
  /** The answer, or undefined when there is none (then `failure` says why). */
  result?: RouteResult;
  failure?: { message: string; sources: SourceVerdict[] };
  /** Every offered source's state after this round (routed mode commits them). */
  sources: Record<string, SourceState>;
  changes: BreakerChange[];
}

interface Row {
  candidate: Candidate;
  /** The state as stored, before this round's breaker gate. */
  stored: SourceState;
  /** The state after the gate (an open breaker past its cool-down is half-open here). */
  state: SourceState;
  trust: number;
  health: number;
  status: SourceStatus;
  reason: string;
  fresh: boolean;
  gate: 'use' | 'probe' | 'skip';
  duplicate: boolean;
}

export function decide(metric: MetricState | undefined, request: RouteRequest, policy: SourcePolicy, now: number): Decision {
  const rows = classify(metric, latestPerSource(request.candidates), policy, now);
  markTwins(rows);
  const usable = rows.filter((row) => row.status === 'used');
  const mode = request.mode ?? 'routed';
  if (usable.length < policy.minSources) return fallback(metric, request, rows, policy, now);

  const output = fuse(policy.fusion, {
    values: usable.map((row) => row.candidate.value),
    // Two sources that are one source in disguise share one weight.
    weights: usable.map((row) => weightOf(row)),
    uncertainties: usable.map((row) => row.candidate.uncertainty),
    scaleFloor: policy.scaleFloor,
    maxDeviation: policy.maxDeviation,
  });
  const standIns = standInsFor(metric, rows, usable, output, policy, now);
  if (standIns.values.length > 0) {
    output.value = standIns.value;
    output.note += `; ${standIns.values.length} stand-in(s) for ${standIns.names.join(', ')} (the others' median + its usual offset)`;
  }
  let used = 0;
  let trustSum = 0;
  for (let i = 0; i < usable.length; i++) {
    const row = usable[i];
    if (output.shares[i] > 0) {
      used++;
      trustSum += output.shares[i] * row.trust;
    } else {
      row.status = 'rejected';
      row.reason = output.rejections[i] ?? 'no weight';
    }
  }
  const tolerance = toleranceAt(output.value, policy);
  const fresh = rows.filter((row) => row.fresh && row.status !== 'invalid');
  const freshMedian = median(fresh.map((row) => row.candidate.value));
  const confidenceInputs = {
    spread: output.spread / tolerance,
    used,
    trust: trustSum,
    unused: 1 - used / rows.length,
    offMedian: Math.abs(output.value - freshMedian) / tolerance,
    farthest: fresh.reduce((far, row) => Math.max(far, Math.abs(row.candidate.value - output.value)), 0) / tolerance,
    // A source far from its own usual offset is more telling than one that always reads high.
    surprise: fresh.reduce((far, row) => Math.max(far, Math.abs(row.candidate.value - output.value * (1 + (row.state.offset ?? 0)))), 0) / tolerance,
  };
  const confidence = confidenceOf(confidenceInputs);
  const { sources, changes } = learn(rows, output.value, policy, now);
  const verdicts = rows.map((row) => verdictOf(row, usable.indexOf(row) >= 0 ? output.shares[usable.indexOf(row)] : 0));
  const result: RouteResult = {
    metricKey: request.metricKey,
    value: output.value,
    strategy: output.strategy,
    confidence,
    sources: verdicts,
    isSynthetic: false,
    reasoning: `${output.note}; ${used} of ${rows.length} sources used` + notUsed(rows),
    ttlMs: ttlFor(confidence, policy),
    uncertainty: output.spread,
    mode,
    at: now,
    confidenceInputs,
  };
  addReference(result, request);
  return { result, sources, changes };
}

/**
 * A source's weight in the fusion. Trust above TRUST_FULL counts fully, so sources in good
 * standing are equals and the fused value of agreeing sources is their plain median; below it
 * the weight falls with trust. Health scales it, and two sources that are one source in
 * disguise share one weight.
 */
function weightOf(row: Row): number {
  return Math.max(Math.min(1, row.trust / TRUST_FULL) * row.health * (row.duplicate ? 0.5 : 1), 1e-6);
}

/**
 * Stand-ins for sources of the panel that cannot be used this round (open, stale, probing or
 * rejected): the kept readings' answer shifted by the source's usual offset from its peers.
 * Dropping a source moves a median even when nothing is wrong with the rest (four monitors'
 * median is not three monitors' median); standing in for it with what it normally reads keeps
 * the answer where the whole panel would put it. Only for median-type fusion, only for sources
 * seen within the synthetic horizon, and never more stand-ins than real readings.
 */
function standInsFor(metric: MetricState | undefined, rows: Row[], usable: Row[], output: FusionOutput, policy: SourcePolicy, now: number): { value: number; values: number[]; names: string[] } {
  const none = { value: output.value, values: [], names: [] };
  if (metric === undefined || output.strategy === 'best-source' || output.strategy === 'interval' || output.strategy === 'robust-blend') return none;
  const keptValues: number[] = [];
  const keptWeights: number[] = [];
  for (let i = 0; i < usable.length; i++) {
    if (output.shares[i] > 0) {
      keptValues.push(usable[i].candidate.value);
      keptWeights.push(weightOf(usable[i]));
    }
  }
  if (keptValues.length < 2) return none;
  const values: number[] = [];
  const names: string[] = [];
  for (const source of Object.values(metric.sources)) {
    if (values.length >= keptValues.length) break;
    if (source.offset === undefined || source.lastSeenAt === undefined || now - source.lastSeenAt > policy.synthetic.horizonMs) continue;
    const row = rows.find((candidate) => candidate.candidate.sourceId === source.sourceId);
    // Only for sources offered this round: a source that offers nothing may simply not exist
    // for this reading, and the panel's median is the median of those that report.
    if (row === undefined || row.status === 'used' || row.status === 'invalid' || row.duplicate) continue;
    // A known copy of a kept source adds nothing of its own.
    if (source.twinRounds >= TWIN_ROUNDS) continue;
    values.push(output.value * (1 + source.offset));
    names.push(source.sourceId);
  }
  if (values.length === 0) return none;
  return { value: weightedMedian([...keptValues, ...values], [...keptWeights, ...values.map(() => 1)]), values, names };
}

/** A caller may send one source twice (a retry); the newest reading counts. */
function latestPerSource(candidates: readonly Candidate[]): Candidate[] {
  const byId = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const seen = byId.get(candidate.sourceId);
    if (seen === undefined || candidate.timestamp > seen.timestamp) byId.set(candidate.sourceId, candidate);
  }
  return [...byId.values()];
}

function classify(metric: MetricState | undefined, candidates: Candidate[], policy: SourcePolicy, now: number): Row[] {
  return candidates.map((candidate) => {
    const known = metric?.sources[candidate.sourceId];
    const base = known ?? newSourceState(candidate.sourceId, now, TRUST_PRIOR);
    const trust = decayedTrust(base.trust, now - base.trustAt, policy.trust.halfLifeMs);
    const recentHealth = base.health !== undefined && base.healthAt !== undefined && now - base.healthAt <= HEALTH_MEMORY * policy.maxStalenessMs;
    const health = recentHealth ? (base.health as number) : 1;
    const gate = breakerGate(base.breaker, policy, now);
    const state = gate.next === base.breaker ? base : { ...base, breaker: gate.next };
    const age = now - candidate.timestamp;
    const fresh = age <= policy.maxStalenessMs;
    const row: Row = { candidate, stored: base, state, trust, health, status: 'used', reason: '', fresh, gate: gate.gate, duplicate: false };
    if (!Number.isFinite(candidate.value) || !Number.isFinite(candidate.timestamp)) {
      row.status = 'invalid';
      row.reason = 'value or timestamp is not a finite number';
    } else if (gate.gate === 'skip') {
      row.status = 'open';
      row.reason = `breaker ${gate.reason}` + (base.openReason ? `; opened: ${base.openReason}` : '');
    } else if (!fresh) {
      row.status = 'stale';
      row.reason = `reading is ${minutes(age)} old (max ${minutes(policy.maxStalenessMs)})`;
    } else if (gate.gate === 'probe') {
      row.status = 'probing';
      row.reason = 'half-open: compared with the others, not used';
    }
    return row;
  });
}

/** Marks pairs of usable sources that have reported the same changing values for TWIN_ROUNDS rounds. */
function markTwins(rows: Row[]): void {
  for (const row of rows) {
    if (row.status !== 'used' || row.state.twinOf === undefined || row.state.twinRounds + 1 < TWIN_ROUNDS) continue;
    const twin = rows.find((other) => other.candidate.sourceId === row.state.twinOf);
    if (twin !== undefined && twin.status === 'used' && twin.candidate.value === row.candidate.value) row.duplicate = true;
  }
}

/** The sources' next states: trust, detectors, breakers, twin tracking. */
function learn(rows: Row[], answer: number, policy: SourcePolicy, now: number): { sources: Record<string, SourceState>; changes: BreakerChange[] } {
  const peers = rows.filter((row) => row.fresh && (row.status === 'used' || row.status === 'rejected'));
  const values = peers.map((row) => row.candidate.value);
  // Without an answer (the fallback path) the peers' median stands in for it.
  const centre = Number.isNaN(answer) ? median(values) : answer;
  const scale = values.length === 0 ? Math.max(policy.scaleFloor, Number.EPSILON) : Math.max(robustScale(values, centre, policy.scaleFloor), toleranceAt(centre, policy) / 2);
  const moveThreshold = Math.max(policy.scaleFloor, scale / 4);
  const sources: Record<string, SourceState> = {};
  const changes: BreakerChange[] = [];
  for (const row of rows) {
    if (row.status === 'invalid' || row.status === 'open') {
      // An invalid reading proves nothing either way: a probe slot the gate took goes back unused.
      sources[row.candidate.sourceId] = row.status === 'invalid' ? row.stored : row.state;
      continue;
    }
    const others: number[] = [];
    for (const peer of peers) {
      if (peer !== row && peer.candidate.sourceId !== row.state.twinOf) others.push(peer.candidate.value);
    }
    const peerMedian = others.length > 0 ? median(others) : undefined;
    const moved = peerMedian !== undefined && row.state.peerMedian !== undefined && Math.abs(peerMedian - row.state.peerMedian) > moveThreshold;
    const { next, change, why } = observe(
      row.state,
      {
        value: row.candidate.value,
        fresh: row.fresh,
        // Distance from the robust answer, not from the median of the others: with three
        // sources the others' median is the mean of two, and one wild source would drag it
        // far enough to convict the two good ones.
        sigmas: peerMedian === undefined ? undefined : (row.candidate.value - centre) / scale,
        relative: peerMedian === undefined || centre === 0 ? undefined : (row.candidate.value - centre) / Math.abs(centre),
        peers: others.length,
        consensusMoved: moved,
        // A stale reading offered while half-open is a failed probe, not a forgotten one.
        probing: row.gate === 'probe',
      },
      policy,
      now,
    );
    next.peerMedian = peerMedian ?? row.state.peerMedian;
    trackTwin(next, row, rows);
    sources[row.candidate.sourceId] = next;
    if (change !== undefined) changes.push({ sourceId: row.candidate.sourceId, to: change, reason: why ?? '' });
  }
  return { sources, changes };
}

function trackTwin(next: SourceState, row: Row, rows: Row[]): void {
  const same = (other: Row) => other !== row && other.fresh && other.status !== 'invalid' && other.candidate.value === row.candidate.value;
  // Keep the twin already being tracked when it still matches: a third source that happens to
  // read the same value this round must not restart the count.
  const twin = rows.find((other) => other.candidate.sourceId === row.state.twinOf && same(other)) ?? rows.find(same);
  if (twin === undefined) {
    next.twinOf = undefined;
    next.twinRounds = 0;
    return;
  }
  // Only a value that changed counts: two sources both stuck on zero are not evidence of copying.
  const changed = row.state.lastValue !== row.candidate.value;
  if (next.twinOf === twin.candidate.sourceId) next.twinRounds = row.state.twinRounds + (changed ? 1 : 0);
  else {
    next.twinOf = twin.candidate.sourceId;
    next.twinRounds = changed ? 1 : 0;
  }
}

function fallback(metric: MetricState | undefined, request: RouteRequest, rows: Row[], policy: SourcePolicy, now: number): Decision {
  const verdicts = rows.map((row) => verdictOf(row, 0));
  for (const verdict of verdicts) if (verdict.status === 'used') verdict.status = 'rejected';
  // Stale and probing sources still teach the detectors; the answer just cannot use them.
  const { sources, changes } = learn(rows.map((row) => (row.status === 'used' ? { ...row, status: 'rejected' } : row)), Number.NaN, policy, now);
  const why = `${rows.filter((row) => row.status === 'used').length} usable source(s), ${policy.minSources} needed` + notUsed(rows);
  const history = metric?.history ?? [];
  const last = history[history.length - 1];
  const fail = (message: string): Decision => ({ failure: { message, sources: verdicts }, sources, changes });
  if (!policy.synthetic.allowed) return fail(`no usable source for ${request.metricKey} (${why}) and synthetic values are off`);
  if (last === undefined) return fail(`no usable source for ${request.metricKey} (${why}) and no earlier answer to extrapolate from`);
  const age = now - last.at;
  if (age > policy.synthetic.horizonMs) {
    return fail(`no usable source for ${request.metricKey} (${why}); the last real answer is ${minutes(age)} old, beyond the synthetic horizon of ${minutes(policy.synthetic.horizonMs)}`);
  }
  const guess = forecast(history, now, policy.synthetic.horizonMs, last.sigma);
  if (guess === undefined) return fail(`no usable source for ${request.metricKey} (${why}) and no forecast from history`);
  const confidence = syntheticConfidence(toleranceAt(guess.value, policy), guess.sigma);
  const result: RouteResult = {
    metricKey: request.metricKey,
    value: guess.value,
    strategy: guess.strategy,
    confidence,
    sources: verdicts,
    isSynthetic: true,
    reasoning: `synthetic: ${why}; ${guess.note}`,
    // A synthetic answer should be replaced by a real one as soon as there is one.
    ttlMs: Math.min(ttlFor(confidence, policy), policy.ttl.defaultMs),
    uncertainty: guess.sigma,
    mode: request.mode ?? 'routed',
    at: now,
  };
  addReference(result, request);
  return { result, sources, changes };
}

function verdictOf(row: Row, share: number): SourceVerdict {
  let reason = row.reason;
  if (row.status === 'used') reason = `trust ${row.trust.toFixed(2)}, health ${row.health.toFixed(2)}` + (row.duplicate ? `; reports exactly what ${row.state.twinOf} does: weight shared` : '');
  return { sourceId: row.candidate.sourceId, value: row.candidate.value, weight: share, trust: row.trust, status: row.status, reason };
}

function notUsed(rows: Row[]): string {
  const counts = new Map<SourceStatus, number>();
  for (const row of rows) if (row.status !== 'used') counts.set(row.status, (counts.get(row.status) ?? 0) + 1);
  return counts.size === 0 ? '' : ` (${[...counts].map(([status, count]) => `${count} ${status}`).join(', ')})`;
}

function addReference(result: RouteResult, request: RouteRequest): void {
  if (request.referenceSource === undefined) return;
  const reference = request.candidates.find((candidate) => candidate.sourceId === request.referenceSource);
  if (reference !== undefined) result.reference = { sourceId: reference.sourceId, value: reference.value, difference: reference.value - result.value };
}

function minutes(ms: number): string {
  return ms >= 7_200_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.round(ms / 60_000)} min`;
}
