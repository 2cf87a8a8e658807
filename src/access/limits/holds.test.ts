import { describe, expect, it } from 'vitest';
import { crossedThresholds, holdFits, holdRemaining, holdRetryAfterMs, lapsed, windowResetMs } from './holds';

const T = 1_700_000_000_000;

describe('held counters', () => {
  it('fits iff used + reserved + amount stays within the limit', () => {
    expect(holdFits(100, 60, 30, 10)).toBe(true);
    expect(holdFits(100, 60, 30, 11)).toBe(false);
    expect(holdRemaining(100, 60, 30)).toBe(10);
    expect(holdRemaining(100, 130, 0)).toBe(0);
  });

  it('lapses a hold after its lease’s last instant, not at it', () => {
    expect(lapsed(T, T)).toBe(false);
    expect(lapsed(T, T + 1)).toBe(true);
  });

  it.each([
    ['more than the limit: never', 100, 0, 0, 101, [], T + 1_000, Infinity],
    ['spent: at the window’s end', 100, 95, 0, 10, [], T + 1_000, 1_000],
    ['spent, lifetime: never', 100, 95, 0, 10, [], Infinity, Infinity],
    ['held: when enough holds lapse', 100, 50, 40, 20, [{ amount: 5, expiresAt: T + 10 }, { amount: 10, expiresAt: T + 20 }, { amount: 25, expiresAt: T + 30 }], T + 1_000, 21],
    ['held: but no later than the window’s end', 100, 50, 40, 20, [{ amount: 40, expiresAt: T + 5_000 }], T + 1_000, 1_000],
  ])('retry after, %s', (_, limit, used, reserved, amount, holds, windowEnd, expected) => {
    expect(holdRetryAfterMs(limit, used, reserved, amount, holds, windowEnd, T)).toBe(expected);
  });

  it('reports the thresholds a settlement takes `used` to or across, not those already behind it', () => {
    expect(crossedThresholds(1_000, [0.5, 0.8, 0.95], 400, 500)).toEqual([0]);
    expect(crossedThresholds(1_000, [0.5, 0.8, 0.95], 499, 960)).toEqual([0, 1, 2]);
    expect(crossedThresholds(1_000, [0.5, 0.8, 0.95], 500, 700)).toEqual([]);
    expect(crossedThresholds(1_000, [0.5], 500, 500)).toEqual([]);
  });

  it('counts down to the window’s end, and never below zero', () => {
    expect(windowResetMs(T + 5, T)).toBe(5);
    expect(windowResetMs(T - 5, T)).toBe(0);
    expect(windowResetMs(Infinity, T)).toBe(Infinity);
  });
});
