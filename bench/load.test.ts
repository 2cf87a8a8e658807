import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCycle, runLoad, scheduledAt } from './load';
import type { RequestKind } from './load';
import { chatBody } from './scenarios';
import { startMinimalUpstream } from './upstream';

const kind = (name: string, weight?: number, stream = false): RequestKind => ({ name, path: '/v1/chat/completions', body: chatBody('bench-a', stream), stream, weight });

describe('buildCycle', () => {
  it('repeats each kind by its weight, in order', () => {
    expect(buildCycle([kind('a', 2), kind('b'), kind('c', 3)]).map((request) => request.name)).toEqual(['a', 'a', 'b', 'c', 'c', 'c']);
  });

  it('refuses an empty mix', () => {
    expect(() => buildCycle([])).toThrow(/at least one/);
  });
});

describe('scheduledAt', () => {
  it.each([
    [1000, 0, 100],
    [1000, 1, 101],
    [2000, 3, 101.5],
    [500, 10, 120],
  ])('at %i req/s request %i is due at %s ms', (rate, index, expected) => {
    expect(scheduledAt(100, index, rate)).toBeCloseTo(expected, 9);
  });
});

describe('runLoad against the minimal upstream', () => {
  let upstream: Awaited<ReturnType<typeof startMinimalUpstream>>;
  beforeAll(async () => {
    upstream = await startMinimalUpstream(0);
  });
  afterAll(() => upstream.close());

  it('closed loop: every request answered, latencies and time to first byte recorded', async () => {
    const result = await runLoad({ origin: upstream.url, requests: [kind('plain'), kind('stream', 1, true)], mode: 'closed', connections: 4, warmupS: 0.1, durationS: 0.4 });
    expect(result.sent).toBeGreaterThan(0);
    expect(result.ok).toBe(result.sent);
    expect(result.errors).toEqual({});
    expect(result.latency.count).toBe(result.ok);
    expect(result.ttfb!.count).toBe(result.outcomes.stream.ok);
    expect(result.ttfb!.p50).toBeLessThanOrEqual(result.latency.max);
  });

  it('open loop: never sends more than its schedule, and counts failures by status', async () => {
    const result = await runLoad({ origin: upstream.url, requests: [kind('plain'), { name: 'missing', path: '/v1/nowhere', body: '{}', stream: false }], mode: 'open', rate: 200, connections: 4, warmupS: 0.1, durationS: 0.5 });
    expect(result.sent).toBeLessThanOrEqual(100);
    expect(result.sent).toBeGreaterThan(0);
    expect(result.outcomes.plain.ok).toBe(result.ok);
    expect(result.errors.status_404).toBe(result.outcomes.missing.status_404);
    expect(result.ok + result.errors.status_404).toBe(result.sent);
    expect(result.sendLag!.count).toBe(result.sent);
  });
});
