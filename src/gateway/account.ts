/**
 * The account stage: every request, however it ends (answered, failed, refused before routing),
 * becomes exactly one ledger entry, announced as a `request-end` event that the ledger, metrics
 * and logs subscribe to, and settles its admission with the real tokens and cost.
 */
import type { EndpointKind } from '../canonical/types';
import type { JunctionError } from '../errors';
import type { AutoDecision } from '../routing/auto/types';
import type { RequestContext, Principal } from './context';
import type { GatewayEvents } from './events';
import { RequestRecord } from './request-record';
import type { Admission } from './stages';

/** What the HTTP layer needs to write response headers. */
export interface Outcome {
  route: string;
  strategy?: string;
  deployment?: string;
  attempts: number;
  costUsd?: number;
  /** Tokens of every attempt, as the ledger row sums them (a stream that failed tells its caller these). */
  inputTokens?: number;
  outputTokens?: number;
  /** The tier that answered when not the primary. */
  tier?: string;
  hedge?: string;
  variant?: string;
  /** Served from the response cache. */
  cached?: boolean;
  /** The auto-router's decision, for in-process callers (the cost-optimiser API reports it). */
  auto?: AutoDecision;
}

export class Accounting {
  constructor(
    private readonly events: GatewayEvents,
    private readonly now: () => number,
  ) {}

  begin(context: RequestContext, endpoint: EndpointKind, stream: boolean, route: string, principal?: Principal): RequestRecord {
    const start = { requestId: context.requestId, route, ingress: context.ingress, endpoint, stream, startedAt: this.now() };
    return new RequestRecord(principal ? { ...start, principal: principal.id } : start, this.now);
  }

  /** The request ended with `status` (and `error` when it failed). */
  end(record: RequestRecord, status: number, error?: JunctionError, admission?: Admission): void {
    const entry = record.finish(status, error);
    // Settled before the entry is announced, so a limit is released before the next request can see the ledger row.
    admission?.settle(entry);
    this.events.emit({ type: 'request-end', entry, error, overheadMs: record.overheadMs() });
  }

  /**
   * A request refused before it reached the pipeline (malformed body, shutting down): the ledger
   * holds every request, not just the well-formed ones.
   */
  rejected(context: RequestContext, endpoint: EndpointKind, route: string, error: JunctionError): void {
    const record = this.begin(context, endpoint, false, route);
    this.events.emit({ type: 'request-end', entry: record.finish(error.status, error), error });
  }
}

export function outcomeOf(record: RequestRecord): Outcome {
  let costUsd = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const attempt of record.attempts) {
    costUsd += attempt.costUsd;
    inputTokens += attempt.inputTokens;
    outputTokens += attempt.outputTokens;
  }
  const outcome: Outcome = { route: record.start.route, deployment: record.deployment, attempts: record.attempts.length, costUsd, inputTokens, outputTokens };
  if (record.strategy) outcome.strategy = record.strategy;
  if (record.fallbackTier) outcome.tier = record.fallbackTier;
  if (record.hedge) outcome.hedge = record.hedge;
  if (record.variant) outcome.variant = record.variant;
  if (record.cacheHit) outcome.cached = true;
  if (record.auto) outcome.auto = record.auto;
  return outcome;
}

/** The outcome attached to an error thrown by the pipeline, for response headers. */
export function outcomeOfError(error: unknown): Outcome | undefined {
  return (error as { outcome?: Outcome }).outcome;
}
