/**
 * The in-process StateStore: one health record per deployment in a Map, updated in place.
 * JavaScript runs one callback at a time, so each read-modify-write below is atomic without
 * locks.
 *
 * Every request reads a snapshot of each deployment of its route (planning, hedge delays,
 * breaker retry times), and most of them are not written between two requests, so each record keeps
 * the last snapshot it handed out and reuses it until the record is written or time moves it
 * (see `snapshotExpiry`). Snapshots are frozen values: sharing one is safe.
 */
import { admit as admitToBreaker, release } from '../../resilience/breaker';
import { DEFAULT_EWMA_ALPHA } from '../../resilience/health-maths';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState } from '../../resilience/types';
import { type HealthSnapshot } from '../../routing/health';
import {
  clearFlags,
  createDeploymentHealth,
  followPolicy,
  recordEnd,
  recordRemoteEnd,
  recordStart,
  snapshotExpiry,
  toSnapshot,
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

/** A deployment's record and the snapshot last built from it. */
interface Entry {
  readonly health: DeploymentHealth;
  /** Cleared on every write; otherwise true for reads at times in [snapshotFrom, snapshotUntil). */
  snapshot: HealthSnapshot | undefined;
  snapshotFrom: number;
  snapshotUntil: number;
}

/**
 * The memory store as a shared store's local copy: what other replicas did is applied to it,
 * and a probe the shared store refused is handed back.
 */
export interface LocalStateStore extends StateStore {
  admit(deployment: string, now: number): Admission;
  /** Another replica's finished attempt (see `recordRemoteEnd`). */
  applyRemote(deployment: string, result: EndedAttempt, now: number): void;
  /** Gives back a probe slot this store admitted but the attempt never used. */
  releaseProbe(deployment: string): void;
}

export function createMemoryStateStore(options: MemoryStateStoreOptions = {}): LocalStateStore {
  const policyOf = options.policy ?? (() => DEFAULT_BREAKER_POLICY);
  const ewmaAlpha = options.ewmaAlpha ?? DEFAULT_EWMA_ALPHA;
  // Keyed by deployment id from the catalog, so its size is bounded by the config; each
  // record is fixed-size (see DeploymentHealth). Reads of unknown ids create no record.
  const entries = new Map<string, Entry>();

  // What unknown deployments read as: one record no one writes, and per id one snapshot of it
  // (a fresh record's snapshot does not depend on the time). Fallback deployments may be
  // planned on every request and never tried, so building their snapshot each time would add up.
  const blank = createDeploymentHealth(DEFAULT_BREAKER_POLICY);
  const fresh = new Map<string, HealthSnapshot>();

  // The closed breaker gives the same answer to every admit: hand out one object for it rather
  // than a new one per attempt. Frozen, because callers share it.
  let lastAdmission: Admission | undefined;

  /** The record to write, created on first write and following the current policy. */
  function entryFor(deployment: string, policy: BreakerPolicy): Entry {
    let entry = entries.get(deployment);
    if (entry === undefined) {
      entry = { health: createDeploymentHealth(policy), snapshot: undefined, snapshotFrom: 0, snapshotUntil: 0 };
      entries.set(deployment, entry);
    } else {
      followPolicy(entry.health, policy);
    }
    entry.snapshot = undefined;
    return entry;
  }

  function tellBreakerChange(deployment: string, from: BreakerState, to: BreakerState, now: number): void {
    if (options.onBreakerChange !== undefined && from.status !== to.status) options.onBreakerChange({ deployment, from, to, at: now });
  }

  function applyEnd(deployment: string, result: EndedAttempt, now: number, record: typeof recordEnd): void {
    const policy = policyOf(deployment);
    const { health } = entryFor(deployment, policy);
    const before = health.breaker;
    record(health, result, policy, ewmaAlpha, now);
    tellBreakerChange(deployment, before, health.breaker, now);
  }

  function answer(admitted: boolean, probe: boolean, reason: string): Admission {
    if (lastAdmission !== undefined && lastAdmission.admitted === admitted && lastAdmission.probe === probe && lastAdmission.reason === reason) return lastAdmission;
    lastAdmission = Object.freeze({ admitted, probe, reason });
    return lastAdmission;
  }

  return {
    snapshot(deployment: string, now: number): HealthSnapshot {
      const entry = entries.get(deployment);
      if (entry === undefined) {
        let snapshot = fresh.get(deployment);
        if (snapshot === undefined) {
          snapshot = toSnapshot(deployment, blank, now);
          fresh.set(deployment, snapshot);
        }
        return snapshot;
      }
      // A config reload may have changed the window's length; the record follows on read too.
      if (followPolicy(entry.health, policyOf(deployment))) entry.snapshot = undefined;
      if (entry.snapshot !== undefined && now >= entry.snapshotFrom && now < entry.snapshotUntil) return entry.snapshot;
      entry.snapshot = toSnapshot(deployment, entry.health, now);
      entry.snapshotFrom = now;
      entry.snapshotUntil = snapshotExpiry(entry.health, now);
      return entry.snapshot;
    },

    admit(deployment: string, now: number): Admission {
      const current = entries.get(deployment)?.health.breaker ?? blank.breaker;
      const decision = admitToBreaker(current, policyOf(deployment), now);
      if (decision.next !== current) {
        const entry = entryFor(deployment, policyOf(deployment));
        entry.health.breaker = decision.next;
        tellBreakerChange(deployment, current, decision.next, now);
      }
      return answer(decision.admitted, decision.probe, decision.reason);
    },

    attemptStarted(deployment: string, now: number): void {
      recordStart(entryFor(deployment, policyOf(deployment)).health, now);
    },

    attemptEnded(deployment: string, result: EndedAttempt, now: number): void {
      applyEnd(deployment, result, now, recordEnd);
    },

    applyRemote(deployment: string, result: EndedAttempt, now: number): void {
      applyEnd(deployment, result, now, recordRemoteEnd);
    },

    releaseProbe(deployment: string): void {
      const entry = entries.get(deployment);
      if (entry === undefined) return;
      entry.health.breaker = release(entry.health.breaker, true);
      entry.snapshot = undefined;
    },

    reset(deployment: string): void {
      const entry = entries.get(deployment);
      if (entry === undefined) return;
      clearFlags(entry.health);
      entry.snapshot = undefined;
    },

    forget(deployment: string): void {
      entries.delete(deployment);
      fresh.delete(deployment);
    },

    async close(): Promise<void> {
      entries.clear();
      fresh.clear();
    },
  };
}
