import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY } from '../../src/resilience/types';
import { createMemoryStateStore, type BreakerChange } from '../../src/state';
import { runStateStoreSuite } from '../conformance/state-store.suite';

runStateStoreSuite('memory', {
  create: ({ policy, ewmaAlpha }) => createMemoryStateStore({ policy: () => policy, ewmaAlpha }),
});

const failure = { verdict: 'failure' as const, latencyMs: 10, tokens: 0, probe: false };

describe('memory state store as a shared store\'s local copy', () => {
  const policy = { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 2, cooldownMs: 1_000 };
  const remoteFailure = { ...failure, probe: false };

  it("applies another replica's attempts to health and the minute's requests, not to in-flight", () => {
    const store = createMemoryStateStore({ policy: () => policy });
    store.attemptStarted('a', 0);
    store.applyRemote('a', { verdict: 'success', latencyMs: 120, tokens: 40, probe: false }, 5);
    expect(store.snapshot('a', 5)).toMatchObject({ latencyMs: 120, inFlight: 1, requestsThisMinute: 2, tokensThisMinute: 40 });
    store.applyRemote('a', remoteFailure, 6);
    store.applyRemote('a', remoteFailure, 7);
    expect(store.snapshot('a', 7).breaker.status).toBe('open');
  });

  it("closes an open breaker on another replica's probe success, before its own retry time", () => {
    const store = createMemoryStateStore({ policy: () => policy });
    store.attemptEnded('a', failure, 0);
    store.attemptEnded('a', failure, 1);
    expect(store.admit('a', 2).admitted).toBe(false);
    store.applyRemote('a', { verdict: 'success', latencyMs: 50, tokens: 0, probe: true }, 3);
    expect(store.admit('a', 4)).toMatchObject({ admitted: true, probe: false });
  });

  it('hands back a probe slot it admitted', () => {
    const store = createMemoryStateStore({ policy: () => ({ ...policy, halfOpenProbes: 1 }) });
    store.attemptEnded('a', failure, 0);
    store.attemptEnded('a', failure, 1);
    expect(store.admit('a', 2_000)).toMatchObject({ admitted: true, probe: true });
    expect(store.admit('a', 2_000).admitted).toBe(false);
    store.releaseProbe('a');
    expect(store.admit('a', 2_000)).toMatchObject({ admitted: true, probe: true });
  });
});

describe('memory state store', () => {
  it('uses the default breaker policy when given none', () => {
    const store = createMemoryStateStore();
    for (let index = 0; index < DEFAULT_BREAKER_POLICY.consecutiveFailures - 1; index += 1) store.attemptEnded('a', failure, 0);
    expect(store.snapshot('a', 0).breaker.status).toBe('closed');
    store.attemptEnded('a', failure, 0);
    expect(store.snapshot('a', 0).breaker).toMatchObject({ status: 'open', retryAt: DEFAULT_BREAKER_POLICY.cooldownMs });
  });

  it('asks for the policy of each deployment', () => {
    const store = createMemoryStateStore({ policy: (deployment) => ({ ...DEFAULT_BREAKER_POLICY, consecutiveFailures: deployment === 'fragile' ? 1 : 50 }) });
    store.attemptEnded('fragile', failure, 0);
    store.attemptEnded('sturdy', failure, 0);
    expect(store.snapshot('fragile', 0).breaker.status).toBe('open');
    expect(store.snapshot('sturdy', 0).breaker.status).toBe('closed');
  });

  it('tells of every breaker status change', async () => {
    const changes: BreakerChange[] = [];
    const store = createMemoryStateStore({
      policy: () => ({ ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 1, cooldownMs: 100 }),
      onBreakerChange: (change) => changes.push(change),
    });
    store.attemptEnded('a', failure, 0);
    const probe = await store.admit('a', 100);
    store.attemptEnded('a', { verdict: 'success', latencyMs: 10, tokens: 0, probe: probe.probe }, 150);
    expect(changes.map(({ deployment, from, to, at }) => [deployment, from.status, to.status, at])).toEqual([
      ['a', 'closed', 'open', 0],
      ['a', 'open', 'half-open', 100],
      ['a', 'half-open', 'closed', 150],
    ]);
  });

  it('keeps nothing for deployments that were only read', () => {
    const store = createMemoryStateStore();
    store.snapshot('ghost', 0);
    store.reset('ghost');
    expect(store.snapshot('ghost', 0)).toMatchObject({ inFlight: 0, breaker: { status: 'closed' } });
  });
});

describe('memory state store: shared values', () => {
  const success = { verdict: 'success' as const, latencyMs: 10, tokens: 0, probe: false };

  it('hands out frozen snapshots whose breaker and last error cannot be edited either', () => {
    const store = createMemoryStateStore();
    store.attemptEnded('a', { ...failure, errorCode: 'upstream_timeout' }, 0);
    const snapshot = store.snapshot('a', 0);
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.breaker)).toBe(true);
    expect(Object.isFrozen(snapshot.lastError)).toBe(true);
    expect(Object.isFrozen(store.snapshot('never-written', 0))).toBe(true);
    expect(() => {
      (snapshot as { inFlight: number }).inFlight = 99;
    }).toThrow(TypeError);
  });

  it('reuses one snapshot between writes and builds a new one after each write', () => {
    const store = createMemoryStateStore();
    store.attemptEnded('a', success, 1_000);
    const first = store.snapshot('a', 1_000);
    expect(store.snapshot('a', 1_500)).toBe(first);
    store.attemptStarted('a', 1_500);
    const second = store.snapshot('a', 1_500);
    expect(second).not.toBe(first);
    expect([first.inFlight, second.inFlight]).toEqual([0, 1]);
  });

  it('restarts the window when the policy changes its length, on the next read', () => {
    let windowMs = 10_000;
    const store = createMemoryStateStore({ policy: () => ({ ...DEFAULT_BREAKER_POLICY, windowMs }) });
    store.attemptEnded('a', success, 1_000);
    expect(store.snapshot('a', 1_000).windowRequests).toBe(1);
    windowMs = 20_000;
    expect(store.snapshot('a', 1_000).windowRequests).toBe(0);
    store.attemptEnded('a', success, 1_000);
    expect(store.snapshot('a', 1_000).windowRequests).toBe(1);
  });

  it('answers admits through a closed breaker with one shared, frozen answer', async () => {
    const store = createMemoryStateStore();
    const first = store.admit('a', 0);
    const second = store.admit('b', 0);
    expect(second).toBe(first);
    const admission = await first;
    expect(admission).toEqual({ admitted: true, probe: false, reason: 'closed' });
    expect(Object.isFrozen(admission)).toBe(true);
  });
});
