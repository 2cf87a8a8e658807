import type { WireFormat } from '../canonical/types';

/** Counters of one model. */
export interface ModelStats {
  requests: number;
  completed: number;
  failed: number;
  aborted: number;
  inputTokens: number;
  outputTokens: number;
}

/** What the simulator has served since start or the last reset. */
export interface SimulatorStats {
  /** Requests received on model endpoints (chat and embeddings), including ones rejected before the model was known. */
  requests: number;
  byModel: Record<string, ModelStats>;
  /** Requests whose client closed the connection before the response finished. */
  aborted: number;
  inFlight: number;
}

/** How one request ended. `aborted` means the client went away first. */
export type Outcome = 'completed' | 'failed' | 'aborted';

/** One request as the upstream saw it. */
export interface ReceivedRequest {
  format: WireFormat;
  path: string;
  model: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Counters for the stats endpoint. Each request takes the current epoch when it begins; a reset
 * starts a new epoch, so requests still running across a reset do not leak into the new counts
 * (but do leave `inFlight` when they end).
 */
export class StatsRecorder {
  private epoch = 0;
  private requests = 0;
  private aborted = 0;
  private inFlight = 0;
  private byModel = new Map<string, ModelStats>();
  private idleWaiters: Array<() => void> = [];

  begin(): number {
    this.requests++;
    this.inFlight++;
    return this.epoch;
  }

  attach(epoch: number, model: string): void {
    if (epoch === this.epoch) this.modelStats(model).requests++;
  }

  end(epoch: number, model: string | undefined, outcome: Outcome, inputTokens: number, outputTokens: number): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters.length > 0) this.wakeIdleWaiters();
    if (epoch !== this.epoch) return;
    if (outcome === 'aborted') this.aborted++;
    if (model === undefined) return;
    const stats = this.modelStats(model);
    stats[outcome]++;
    stats.inputTokens += inputTokens;
    stats.outputTokens += outputTokens;
  }

  /** Resolves once no request is in flight (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  reset(): void {
    this.epoch++;
    this.requests = 0;
    this.aborted = 0;
    this.byModel = new Map();
  }

  snapshot(): SimulatorStats {
    const byModel: Record<string, ModelStats> = {};
    for (const [model, stats] of this.byModel) byModel[model] = { ...stats };
    return { requests: this.requests, byModel, aborted: this.aborted, inFlight: this.inFlight };
  }

  private wakeIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private modelStats(model: string): ModelStats {
    let stats = this.byModel.get(model);
    if (stats === undefined) {
      stats = { requests: 0, completed: 0, failed: 0, aborted: 0, inputTokens: 0, outputTokens: 0 };
      this.byModel.set(model, stats);
    }
    return stats;
  }
}

/** The last `limit` requests received, oldest first. */
export class ReceivedLog {
  private entries: ReceivedRequest[] = [];

  constructor(private readonly limit: number) {}

  add(entry: ReceivedRequest): void {
    if (this.limit <= 0) return;
    if (this.entries.length >= this.limit) this.entries.shift();
    this.entries.push(entry);
  }

  list(): ReceivedRequest[] {
    return this.entries.slice();
  }

  clear(): void {
    this.entries = [];
  }
}
