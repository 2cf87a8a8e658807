/**
 * Accumulates what happened to one request (attempts, usage, cost, timing) and turns it into
 * the ledger entry emitted when the request ends, whatever way it ends.
 */
import { costOf } from '../core/cost';
import type { JunctionError } from '../core/errors';
import type { Deployment } from '../core/model';
import type { FinishReason, IngressFormat, Usage } from '../core/types';
import type { AttemptOutcome, AttemptRecord, LedgerEntry } from '../ledger/types';

export interface RequestStart {
  requestId: string;
  route: string;
  ingress: IngressFormat;
  endpoint: 'chat' | 'embeddings';
  stream: boolean;
  principal?: string;
  startedAt: number;
}

export class RequestRecord {
  readonly attempts: AttemptRecord[] = [];
  deployment?: string;
  usage?: Usage;
  ttftMs?: number;
  finishReason?: FinishReason;
  decisionReason?: string;
  strategy?: string;
  variant?: string;
  fallbackTier?: string;
  hedge?: string;
  /** High-resolution clock at arrival and total time spent waiting on upstreams, for the overhead figure. */
  private readonly arrivedAt = performance.now();
  private upstreamMs = 0;

  constructor(readonly start: RequestStart, private readonly now: () => number) {}

  /** Record one finished attempt; returns its cost. */
  addAttempt(deployment: Deployment, outcome: AttemptOutcome, startedAt: number, usage?: Usage, error?: JunctionError): number {
    const costUsd = usage ? costOf(usage, deployment.pricing) : 0;
    this.attempts.push({
      deployment: deployment.id,
      outcome,
      ...(error ? { errorCode: error.code } : {}),
      ...(error?.upstreamStatus !== undefined ? { upstreamStatus: error.upstreamStatus } : {}),
      latencyMs: this.now() - startedAt,
      inputTokens: usage?.inputTokens ?? 0,
      outputTokens: usage?.outputTokens ?? 0,
      costUsd,
    });
    return costUsd;
  }

  /** Add one attempt's upstream time (high resolution). Overlapping hedged attempts count once, via the caller. */
  addUpstreamTime(ms: number): void {
    this.upstreamMs += ms;
  }

  /** Time spent in Junction itself: the request's duration less its upstream time (never negative). */
  overheadMs(): number {
    return Math.max(0, performance.now() - this.arrivedAt - this.upstreamMs);
  }

  markFirstByte(): void {
    this.ttftMs ??= this.now() - this.start.startedAt;
  }

  /** The ledger entry for this request as it ends with `status` (and `error` if it failed). */
  finish(status: number, error?: JunctionError): LedgerEntry {
    const usage = this.usage;
    const { start } = this;
    return {
      requestId: start.requestId,
      timestamp: start.startedAt,
      ...(start.principal ? { principal: start.principal } : {}),
      route: start.route,
      ingress: start.ingress,
      endpoint: start.endpoint,
      stream: start.stream,
      ...(this.deployment ? { deployment: this.deployment } : {}),
      attempts: this.attempts,
      inputTokens: sum(this.attempts, 'inputTokens'),
      outputTokens: sum(this.attempts, 'outputTokens'),
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      costUsd: sum(this.attempts, 'costUsd'),
      latencyMs: this.now() - start.startedAt,
      ...(this.ttftMs !== undefined ? { ttftMs: this.ttftMs } : {}),
      status,
      ...(error ? { errorCode: error.code } : {}),
      ...(this.finishReason ? { finishReason: this.finishReason.raw ?? this.finishReason.unified } : {}),
      ...(this.decisionReason ? { decisionReason: this.decisionReason } : {}),
      ...(this.strategy ? { strategy: this.strategy } : {}),
      ...(this.variant ? { variant: this.variant } : {}),
      ...(this.fallbackTier ? { fallbackTier: this.fallbackTier } : {}),
      ...(this.hedge ? { hedge: this.hedge } : {}),
    };
  }
}

function sum(attempts: AttemptRecord[], key: 'inputTokens' | 'outputTokens' | 'costUsd'): number {
  let total = 0;
  for (const attempt of attempts) total += attempt[key];
  return total;
}
