import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Calendar, calendarWindow, localMidnight } from './calendar';

const at = (iso: string) => Date.parse(iso);

describe('calendar windows', () => {
  it.each([
    ['day', 'UTC', '2026-12-05T13:00:00Z', '2026-12-05', '2026-12-05T00:00:00Z', '2026-12-06T00:00:00Z'],
    ['day', 'Europe/Paris', '2026-12-05T23:30:00Z', '2026-12-06', '2026-12-05T23:00:00Z', '2026-12-06T23:00:00Z'],
    ['day', 'America/Los_Angeles', '2026-12-05T03:00:00Z', '2026-12-04', '2026-12-04T08:00:00Z', '2026-12-05T08:00:00Z'],
    // Spring forward in Paris: the day of 29 March 2026 has 23 hours.
    ['day', 'Europe/Paris', '2026-03-29T12:00:00Z', '2026-03-29', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z'],
    ['week', 'UTC', '2026-12-05T13:00:00Z', 'week-2026-11-30', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z'],
    ['week', 'UTC', '2026-11-30T00:00:00Z', 'week-2026-11-30', '2026-11-30T00:00:00Z', '2026-12-07T00:00:00Z'],
    ['month', 'UTC', '2026-12-31T23:59:59Z', '2026-12', '2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z'],
    ['month', 'Asia/Tokyo', '2026-11-30T16:00:00Z', '2026-12', '2026-11-30T15:00:00Z', '2026-12-31T15:00:00Z'],
  ] as const)('%s in %s at %s is %s', (period, zone, now, label, start, end) => {
    expect(calendarWindow(period, at(now), zone)).toEqual({ label, start: at(start), end: at(end) });
  });

  it('a lifetime never ends', () => {
    expect(calendarWindow('lifetime', 0, 'UTC').end).toBe(Number.POSITIVE_INFINITY);
  });

  it('every instant lies in its window, and the next window starts where it ends', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata'];
    fc.assert(
      fc.property(fc.integer({ min: at('2020-01-01T00:00:00Z'), max: at('2035-01-01T00:00:00Z') }), fc.constantFrom(...zones), fc.constantFrom('day' as const, 'week' as const, 'month' as const), (now, zone, period) => {
        const window = calendarWindow(period, now, zone);
        expect(window.start).toBeLessThanOrEqual(now);
        expect(now).toBeLessThan(window.end);
        expect(calendarWindow(period, window.end, zone).start).toBe(window.end);
      }),
    );
  });

  it('local midnight reads 00:00 on the zone’s clocks', () => {
    const midnight = localMidnight(2026, 7, 14, 'America/New_York');
    expect(new Date(midnight).toISOString()).toBe('2026-07-14T04:00:00.000Z');
  });

  it('a Calendar reuses a window until it ends', () => {
    const calendar = new Calendar('UTC');
    const first = calendar.window('day', at('2026-12-05T01:00:00Z'));
    expect(calendar.window('day', at('2026-12-05T23:59:59Z'))).toBe(first);
    expect(calendar.window('day', at('2026-12-06T00:00:00Z')).label).toBe('2026-12-06');
  });
});
