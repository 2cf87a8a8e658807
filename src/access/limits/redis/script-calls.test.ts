import { describe, expect, it } from 'vitest';
import type { Draw, Reservation } from '../types';
import { RATE_KEEP_MS, readReserveReply, readSettleReply, readUsageReply, reserveCall, settleCall, usageCall } from './script-calls';

const T = 1_700_000_000_000;
const draws: Draw[] = [
  { rule: { kind: 'rate', key: 'key:1:rpm', perMinute: 60, capacity: 5 }, amount: 1 },
  { rule: { kind: 'quota', key: 'team:a:day', limit: 1_000, windowEnd: T + 1_000, alertAt: [0.5, 0.8] }, amount: 300 },
  { rule: { kind: 'quota', key: 'key:1:ever', limit: 50, windowEnd: Infinity }, amount: 2 },
  { rule: { kind: 'concurrency', key: 'key:1:inflight', limit: 4 }, amount: 1 },
];

describe('script calls', () => {
  it('lays out a reservation: keys per draw, then five arguments per draw', () => {
    expect(reserveCall('p:', draws, 'id-1', T, T + 60_000)).toEqual({
      keys: ['p:lim:r:key:1:rpm', 'p:lim:q:team:a:day', 'p:lim:qh:team:a:day', 'p:lim:q:key:1:ever', 'p:lim:qh:key:1:ever', 'p:lim:c:key:1:inflight', 'p:lim:ch:key:1:inflight'],
      args: [T, T + 60_000, 'id-1', 'r', 1, 60, 5, RATE_KEEP_MS, 'q', 300, 1_000, T + 1_000, 60_000 + 3_600_000, 'q', 2, 50, '', '', 'c', 1, 4, '', 60_000 + 3_600_000],
    });
  });

  it('reads an admission (-1 meaning never) and a refusal', () => {
    expect(readReserveReply([1, 4, 1_000, 700, 1_000, 48, -1, 3, 0], draws, 'id-1', T + 60_000)).toEqual({
      admitted: true,
      reservation: {
        id: 'id-1',
        draws,
        expiresAt: T + 60_000,
        headroom: [
          { remaining: 4, resetMs: 1_000 },
          { remaining: 700, resetMs: 1_000 },
          { remaining: 48, resetMs: Infinity },
          { remaining: 3, resetMs: 0 },
        ],
      },
    });
    expect(readReserveReply([0, 2, -1, 50, 0], draws, 'id-1', T)).toEqual({ admitted: false, refusal: { rule: draws[2].rule, index: 2, retryAfterMs: Infinity, limit: 50, remaining: 0 } });
  });

  it('lays out a settlement after its marker, keeping the marker until a minute after the lease', () => {
    const reservation: Reservation = { id: 'id-1', draws, expiresAt: T + 60_000, headroom: [] };
    const call = settleCall('p:', reservation, [0, 250, 2, 1], T + 10_000);
    expect(call.keys[0]).toBe('p:lim:s:id-1');
    expect(call.args.slice(0, 3)).toEqual([T + 10_000, 'id-1', 50_000 + 60_000]);
    expect(call.args.slice(3, 15)).toEqual(['r', 1, 0, 60, RATE_KEEP_MS, '', 'q', 300, 250, 1_000, 3_600_000 + 50_000, '0.5,0.8']);
  });

  it('reads crossings as the rule’s own thresholds, and none from a settlement already made', () => {
    const reservation: Reservation = { id: 'id-1', draws, expiresAt: T, headroom: [] };
    expect(readSettleReply([1, 1, 0, 500, 1, 1, 800], reservation)).toEqual([
      { rule: draws[1].rule, threshold: 0.5, used: 500 },
      { rule: draws[1].rule, threshold: 0.8, used: 800 },
    ]);
    expect(readSettleReply([0], reservation)).toEqual([]);
  });

  it('lays out and reads usage', () => {
    expect(usageCall('p:', [draws[0].rule, draws[3].rule], T)).toEqual({ keys: ['p:lim:r:key:1:rpm', 'p:lim:c:key:1:inflight', 'p:lim:ch:key:1:inflight'], args: [T, 'r', 60, 'c', ''] });
    expect(readUsageReply([3, 0, 2, 0])).toEqual([{ used: 3, reserved: 0 }, { used: 2, reserved: 0 }]);
  });
});
