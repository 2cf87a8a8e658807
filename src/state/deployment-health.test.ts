import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY, type BreakerPolicy } from '../resilience/types';
import { createDeploymentHealth, recordEnd, recordStart, snapshotExpiry, toSnapshot } from './deployment-health';
import type { EndedAttempt } from './types';

const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, windowMs: 10_000, consecutiveFailures: 1, minimumRequests: 100 };
const failure: EndedAttempt = { verdict: 'failure', latencyMs: 10, tokens: 0, errorCode: 'upstream_timeout', probe: false };

describe('deployment health, updated in place', () => {
  it('changes the record it is given and replaces the breaker rather than editing it', () => {
    const health = createDeploymentHealth(policy);
    const closed = health.breaker;
    recordStart(health, 0);
    expect(health.inFlight).toBe(1);
    recordEnd(health, failure, policy, 0.5, 0);
    expect(health).toMatchObject({ inFlight: 0, consecutiveFailures: 1, breaker: { status: 'open' }, lastError: { code: 'upstream_timeout', at: 0 } });
    expect(health.breaker).not.toBe(closed);
    expect(closed).toEqual({ status: 'closed', trips: 0, probesInFlight: 0 });
  });

  it('builds a snapshot that later updates do not reach', () => {
    const health = createDeploymentHealth(policy);
    recordStart(health, 0);
    const before = toSnapshot('a', health, 0);
    recordEnd(health, failure, policy, 0.5, 0);
    expect(before).toMatchObject({ inFlight: 1, consecutiveFailures: 0, windowRequests: 0, breaker: { status: 'closed' }, lastError: undefined });
    const after = toSnapshot('a', health, 0);
    // Immutable parts are shared, not copied.
    expect(after.breaker).toBe(health.breaker);
    expect(after.lastError).toBe(health.lastError);
  });
});

describe('snapshotExpiry', () => {
  // A 10 s window has 1 s buckets; minutes turn at multiples of 60 s.
  it.each<[string, number, number | undefined, number]>([
    ['the next bucket edge', 61_250, undefined, 62_000],
    ['the next bucket edge, read on an edge', 62_000, undefined, 63_000],
    ['the minute, when it turns first', 119_999, undefined, 120_000],
    ['the end of a cool-down inside the bucket', 61_250, 61_400, 61_400],
    ['the bucket edge before a later cool-down end', 61_250, 70_000, 62_000],
    ['the bucket edge, once the cool-down is over', 61_250, 61_000, 62_000],
  ])('is %s', (_name, now, coolingDownUntil, expected) => {
    const health = createDeploymentHealth(policy);
    health.coolingDownUntil = coolingDownUntil;
    expect(snapshotExpiry(health, now)).toBe(expected);
  });
});
