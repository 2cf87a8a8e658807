/**
 * Accumulates what happened to one request (attempts, usage, cost, timing) and turns it into
 * the ledger entry emitted when the request ends, whatever way it ends.
 */
import { ledgerAuto, type AutoDecision } from '../routing/auto/types';
import { costOf } from '../routing/cost';
import type { JunctionError } from '../errors';
import type { Deployment } from '../routing/catalog';
import type { EndpointKind, FinishReason, Ingress, Usage } from '../canonical/types';
import type { AttemptOutcome, AttemptRecord, CacheHitKind, LedgerEntry } from '../ledger/types';
import { echoText } from '../wire/caller-text';

export interface RequestStart {
  requestId: string;
  /** The model the caller asked for: a route name, or whatever it sent (the entry gets it capped and escaped). */
  route: string;
  ingress: Ingress;
  endpoint: EndpointKind;
  stream: boolean;
  principal?: string;
  /** The caller's team, when its key belongs to one. */
  team?: string;
  startedAt: number;
}

export class RequestRecord {
  readonly attempts: AttemptRecord[] = [];
  deployment?: string;
  /** The upstream model of `deployment`. */
  model?: string;
  usage?: Usage;
  ttftMs?: number;
  finishReason?: FinishReason;
  decisionReason?: string;
  strategy?: string;
  variant?: string;
  fallbackTier?: string;
  hedge?: string;
  /** The route the caller asked for, when a budget sent the request to a cheaper one (`start.route`). */
  downgradedFrom?: string;
  /** Answered from the response cache: how, and what the answer cost when it was paid for. */
  cacheHit?: { kind: CacheHitKind; costSavedUsd: number };
  /** auto: the routing decision, for the ledger and the caller's headers. */
  auto?: AutoDecision;
  /** High-resolution clock at arrival and total time spent waiting on upstreams, for the overhead figure. */
  private readonly arrivedAt = performance.now();
  private upstreamMs = 0;
  private answered: { latencyMs: number; overheadMs: number } | undefined;

  constructor(readonly start: RequestStart, private readonly now: () => number) {}

  /** The deployment whose answer (or broken stream) reached the caller. */
  answeredBy(deployment: Deployment): void {
    this.deployment = deployment.id;
    this.model = deployment.model;
  }

  /** Record one finished attempt; returns its cost. */
  addAttempt(deployment: Deployment, outcome: AttemptOutcome, startedAt: number, usage?: Usage, error?: JunctionError): number {
    const costUsd = usage ? costOf(usage, deployment.pricing) : 0;
    const attempt: AttemptRecord = {
      deployment: deployment.id,
      outcome,
      latencyMs: this.now() - startedAt,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      costUsd,
    };
    if (error) attempt.errorCode = error.code;
    if (error?.upstreamStatus !== undefined) attempt.upstreamStatus = error.upstreamStatus;
    this.attempts.push(attempt);
    return costUsd;
  }

  /** Attempts still running after the request has its answer (a hedge race's loser), if any. */
  pending: Array<Promise<unknown>> | undefined;

  /** Keep the request's ledger entry open until `attempt` has settled (and recorded itself). */
  defer(attempt: Promise<unknown>): void {
    (this.pending ??= []).push(attempt);
  }

  /** Which tier answered (noted when not the primary) and how a hedge went (when there was one). */
  noteResult(tier: string, hedge: string): void {
    if (tier !== 'primary') this.fallbackTier = tier;
    if (hedge !== 'none') this.hedge = hedge;
  }

  /** Add one attempt's upstream time (high resolution). Overlapping hedged attempts count once, via the caller. */
  addUpstreamTime(ms: number): void {
    this.upstreamMs += ms;
  }

  /**
   * The caller has its answer (or its error): fix the request's latency and overhead now, since
   * its ledger entry may be written later, once a hedge race's loser has settled.
   */
  markAnswered(): void {
    if (this.answered !== undefined) return;
    this.answered = { latencyMs: this.now() - this.start.startedAt, overheadMs: Math.max(0, performance.now() - this.arrivedAt - this.upstreamMs) };
  }

  /** Time spent in Junction itself: the request's duration less its upstream time (never negative). */
  overheadMs(): number {
    return this.answered?.overheadMs ?? Math.max(0, performance.now() - this.arrivedAt - this.upstreamMs);
  }

  markFirstByte(): void {
    this.ttftMs ??= this.now() - this.start.startedAt;
  }

  /** The ledger entry for this request as it ends with `status` (and `error` if it failed). */
  finish(status: number, error?: JunctionError): LedgerEntry {
    const usage = this.usage;
    const { start } = this;
    // Optional fields are set only when present (an absent field, not an undefined one), one by one
    // rather than by spreading temporary objects: this runs once per request.
    const entry: LedgerEntry = {
      requestId: start.requestId,
      timestamp: start.startedAt,
      // The caller's model when it is no route: the ledger, logs and metrics read it from here.
      route: echoText(start.route),
      ingress: start.ingress,
      endpoint: start.endpoint,
      stream: start.stream,
      attempts: this.attempts,
      inputTokens: sum(this.attempts, 'inputTokens'),
      outputTokens: sum(this.attempts, 'outputTokens'),
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      costUsd: sum(this.attempts, 'costUsd'),
      latencyMs: this.answered?.latencyMs ?? this.now() - start.startedAt,
      status,
    };
    if (start.principal) entry.principal = start.principal;
    if (start.team) entry.team = start.team;
    if (this.deployment) entry.deployment = this.deployment;
    if (this.model) entry.model = this.model;
    if (this.ttftMs !== undefined) entry.ttftMs = this.ttftMs;
    if (error) entry.errorCode = error.code;
    if (this.finishReason) entry.finishReason = this.finishReason.raw ?? this.finishReason.unified;
    const reason = this.downgradedFrom === undefined ? this.decisionReason : downgradeReason(this.downgradedFrom, this.decisionReason);
    if (reason) entry.decisionReason = reason;
    if (this.strategy) entry.strategy = this.strategy;
    if (this.variant) entry.variant = this.variant;
    if (this.fallbackTier) entry.fallbackTier = this.fallbackTier;
    if (this.hedge) entry.hedge = this.hedge;
    if (this.auto) entry.auto = ledgerAuto(this.auto);
    if (this.cacheHit) {
      entry.cacheHit = this.cacheHit.kind;
      entry.costSavedUsd = this.cacheHit.costSavedUsd;
    }
    return entry;
  }
}

function sum(attempts: AttemptRecord[], key: 'inputTokens' | 'outputTokens' | 'costUsd'): number {
  let total = 0;
  for (const attempt of attempts) total += attempt[key];
  return total;
}

/** A downgraded request's decision reason leads with the downgrade, so every ledger keeps it. */
function downgradeReason(from: string, reason: string | undefined): string {
  const downgrade = `downgraded from '${from}', whose budget refused the request`;
  return reason ? `${downgrade}; ${reason}` : downgrade;
}
