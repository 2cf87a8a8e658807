/**
 * Typed lifecycle events of the pipeline. Metrics, logs and the ledger subscribe; the pipeline
 * never calls them directly (CONVENTIONS rule 6).
 */
import type { JunctionError } from '../errors';
import type { BreakerStatus } from '../resilience/types';
import type { LedgerEntry } from '../ledger/types';

export type GatewayEvent =
  | { type: 'attempt-end'; route: string; deployment: string; provider: string; outcome: 'success' | 'error' | 'aborted'; errorCode?: string; durationMs: number; inputTokens: number; outputTokens: number; costUsd: number }
  | { type: 'request-end'; entry: LedgerEntry; error?: JunctionError; overheadMs?: number }
  | { type: 'breaker-change'; deployment: string; from: BreakerStatus; to: BreakerStatus; at: number };

export type GatewayObserver = (event: GatewayEvent) => void;

export class GatewayEvents {
  private readonly observers: GatewayObserver[] = [];

  subscribe(observer: GatewayObserver): () => void {
    this.observers.push(observer);
    return () => {
      const index = this.observers.indexOf(observer);
      if (index >= 0) this.observers.splice(index, 1);
    };
  }

  emit(event: GatewayEvent): void {
    for (const observer of this.observers) {
      // An observer's bug must never fail the request it observes.
      try {
        observer(event);
      } catch {
        /* observers report their own errors */
      }
    }
  }
}
