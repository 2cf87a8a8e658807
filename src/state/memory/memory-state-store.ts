/**
 * The in-process StateStore: one health record per deployment in a Map. JavaScript runs one
 * callback at a time, so each read-modify-write below is atomic without locks.
 */
import { admit as admitToBreaker } from '../../core/breaker';
import { DEFAULT_EWMA_ALPHA } from '../../core/health-maths';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState, type HealthSnapshot } from '../../core/health';
import {
  clearFlags,
  createDeploymentHealth,
  recordEnd,
  recordStart,
  toSnapshot,
  withPolicy,
  type DeploymentHealth,
} from '../deployment-health';
import type { Admission, EndedAttempt, StateStore } from '../types';

/** A breaker moved from one status to another. */
export interface BreakerChange {
  deployment: string;
  from: BreakerState;
  to: BreakerState;
  at: number;
}

export interface MemoryStateStoreOptions {
  /** The breaker policy of each deployment; DEFAULT_BREAKER_POLICY when absent. */
  policy?: (deployment: string) => BreakerPolicy;
  /** Weight of a new sample in the latency and TTFT averages (0..1]; 0.3 when absent. */
  ewmaAlpha?: number;
  /** Told of every breaker status change, for events and metrics. Must not throw. */
  onBreakerChange?: (change: BreakerChange) => void;
}

export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): StateStore {
  const policyOf = options.policy ?? (() => DEFAULT_BREAKER_POLICY);
  const ewmaAlpha = options.ewmaAlpha ?? DEFAULT_EWMA_ALPHA;
  // Keyed by deployment id from the catalog, so its size is bounded by the config; each
  // record is fixed-size (see DeploymentHealth). Reads of unknown ids add nothing.
  const records = new Map<string, DeploymentHealth>();

  // Records are immutable, so one fresh record per deployment serves every read until its first
  // write; building a new one per read cost more than the rest of planning together.
  const fresh = new Map<string, DeploymentHealth>();

  function read(deployment: string): DeploymentHealth {
    const policy = policyOf(deployment);
    const existing = records.get(deployment);
    if (existing !== undefined) return withPolicy(existing, policy);
    let blank = fresh.get(deployment);
    if (blank === undefined || withPolicy(blank, policy) !== blank) {
      blank = createDeploymentHealth(policy);
      fresh.set(deployment, blank);
    }
    return blank;
  }

  function write(deployment: string, before: DeploymentHealth, after: DeploymentHealth, now: number): void {
    records.set(deployment, after);
    if (options.onBreakerChange !== undefined && before.breaker.status !== after.breaker.status) {
      options.onBreakerChange({ deployment, from: before.breaker, to: after.breaker, at: now });
    }
  }

  return {
    snapshot(deployment: string, now: number): HealthSnapshot {
      return toSnapshot(deployment, read(deployment), now);
    },

    async admit(deployment: string, now: number): Promise<Admission> {
      const health = read(deployment);
      const decision = admitToBreaker(health.breaker, policyOf(deployment), now);
      if (decision.next !== health.breaker) write(deployment, health, { ...health, breaker: decision.next }, now);
      return { admitted: decision.admitted, probe: decision.probe, reason: decision.reason };
    },

    attemptStarted(deployment: string, now: number): void {
      const health = read(deployment);
      write(deployment, health, recordStart(health, now), now);
    },

    attemptEnded(deployment: string, result: EndedAttempt, now: number): void {
      const health = read(deployment);
      write(deployment, health, recordEnd(health, result, policyOf(deployment), ewmaAlpha, now), now);
    },

    reset(deployment: string): void {
      const existing = records.get(deployment);
      if (existing !== undefined) records.set(deployment, clearFlags(existing));
    },

    forget(deployment: string): void {
      records.delete(deployment);
      fresh.delete(deployment);
    },

    async close(): Promise<void> {
      records.clear();
      fresh.clear();
    },
  };
}
