/**
 * The ledger port: the durable record of every request. `record` never blocks the request path
 * (implementations buffer and write in batches); `flush` and `close` make everything recorded
 * so far durable.
 */
import type { EndpointKind, Ingress } from '../canonical/types';
import type { LedgerAuto } from '../routing/auto/types';

export type AttemptOutcome = 'success' | 'error' | 'aborted';

export interface AttemptRecord {
  deployment: string;
  outcome: AttemptOutcome;
  /** Error code when the attempt failed. */
  errorCode?: string;
  /** Upstream HTTP status, when one was received. */
  upstreamStatus?: number;
  latencyMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface LedgerEntry {
  requestId: string;
  /** Unix milliseconds when the request arrived. */
  timestamp: number;
  principal?: string;
  /** The caller's team, when its key belongs to one. */
  team?: string;
  route: string;
  /** Wire format the caller used, or `library` for an in-process call. */
  ingress: Ingress;
  endpoint: EndpointKind;
  stream: boolean;
  /** The deployment that produced the answer, if any did. */
  deployment?: string;
  /** The upstream model id of the deployment that answered, if any did. */
  model?: string;
  attempts: AttemptRecord[];
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** Sum over all attempts that incurred cost. */
  costUsd: number;
  latencyMs: number;
  ttftMs?: number;
  /** HTTP status sent to the caller (499 when the caller went away). */
  status: number;
  errorCode?: string;
  finishReason?: string;
  /** Why the plan was what it was (strategy's written reason). */
  decisionReason?: string;
  /** Strategy that ordered the plan. */
  strategy?: string;
  /** A/B split: the variant (deployment) this caller was assigned. */
  variant?: string;
  /** The fallback tier that answered when not the primary: secondary, emergency, local, last-resort, stale-cache, static. */
  fallbackTier?: string;
  /** Hedging outcome when the route hedges: primary-won, hedge-won. */
  hedge?: string;
  /** auto-routed requests: the decision's mode, confidence, pattern, complexity and prediction. */
  auto?: LedgerAuto;
  /** Answered from the response cache: `exact` (the same request) or `semantic` (a close enough one). Cost is 0. */
  cacheHit?: CacheHitKind;
  /** A cache hit: what the answer cost when it was first paid for (USD). */
  costSavedUsd?: number;
}

export type CacheHitKind = 'exact' | 'semantic';

export interface LedgerQuery {
  route?: string;
  since?: number;
  limit?: number;
}

export interface Ledger {
  /** Buffer one entry; returns at once. */
  record(entry: LedgerEntry): void;
  /** Write everything buffered so far. */
  flush(): Promise<void>;
  /** Entries, newest first. Flushes first so callers read their own writes. */
  query(query?: LedgerQuery): Promise<LedgerEntry[]>;
  count(): Promise<number>;
  /** Flush and release resources; further `record` calls throw. */
  close(): Promise<void>;
}
