import { describe, expect, it } from 'vitest';
import { headroomRpm, linesThisTick, scheduleBatch, type ScheduleInput } from './scheduler';

const BUCKET = 15 * 60_000;
const NOW = Date.UTC(2026, 10, 2, 3);

function input(overrides: Partial<ScheduleInput> & { forecast?: number[]; current?: number }): ScheduleInput {
  return {
    now: NOW,
    bucketMs: BUCKET,
    margin: 0.2,
    remaining: 100,
    deadline: NOW + 24 * 3_600_000,
    capacity: { capacityRpm: 1_000, currentRpm: overrides.current ?? 100, forecastRpm: overrides.forecast ?? new Array(96).fill(100) },
    ...overrides,
  };
}

describe('batch scheduler', () => {
  it.each([
    [1_000, 100, 0.2, 700],
    [1_000, 800, 0.2, 0],
    [1_000, 900, 0.2, 0],
    [600, 0, 0, 600],
  ])('headroom of %i rpm at %i interactive with margin %f is %i', (capacity, load, margin, room) => {
    expect(headroomRpm(capacity, load, margin)).toBe(room);
  });

  it('fills troughs: more batch work when interactive load is low, none at a peak', () => {
    const trough = scheduleBatch(input({ remaining: 10_000, forecast: new Array(96).fill(100) }));
    const peak = scheduleBatch(input({ remaining: 10_000, forecast: [850, ...new Array(95).fill(100)], current: 850 }));
    expect(trough).toEqual({ rpm: 700, headroomRpm: 700, forced: false });
    expect(peak).toEqual({ rpm: 0, headroomRpm: 0, forced: false });
  });

  it('respects the load seen now when it is above the forecast', () => {
    expect(scheduleBatch(input({ current: 780, forecast: [100, ...new Array(95).fill(800)] })).rpm).toBeCloseTo(20);
  });

  it('waits for a trough when the quieter buckets ahead can take the work', () => {
    // 500 rpm now, 100 rpm from the next bucket on: 1,000 lines fit in the quiet hours.
    const quietLater = [500, ...new Array(95).fill(100)];
    expect(scheduleBatch(input({ remaining: 1_000, current: 500, forecast: quietLater }))).toEqual({ rpm: 0, headroomRpm: 300, forced: false });
    // More work than the quiet buckets hold: it runs now as well.
    expect(scheduleBatch(input({ remaining: 1_000_000, current: 500, forecast: quietLater })).rpm).toBe(300);
    // With no slack to keep, the first room found is used.
    expect(scheduleBatch(input({ remaining: 1_000, current: 500, forecast: quietLater, slack: Infinity })).rpm).toBe(300);
    // Without a forecast every bucket looks like now: run.
    expect(scheduleBatch(input({ remaining: 1_000, current: 500, forecast: [] })).rpm).toBe(300);
    // Troughs after the plan's end do not count, and once it has passed any room is used.
    expect(scheduleBatch(input({ remaining: 1_000, current: 500, forecast: quietLater, plannedBy: NOW + BUCKET })).rpm).toBe(300);
    expect(scheduleBatch(input({ remaining: 1_000, current: 500, forecast: quietLater, plannedBy: NOW })).rpm).toBe(300);
  });

  it('runs anyway when the room before the deadline is not enough', () => {
    // One hour left, peak load throughout: 600 lines cannot wait for a trough.
    const decision = scheduleBatch(input({ remaining: 600, deadline: NOW + 3_600_000, forecast: [800, 800, 800, 800], current: 800 }));
    expect(decision.forced).toBe(true);
    expect(decision.headroomRpm).toBe(0);
    // All of it must run in this bucket, since the later ones have no room either.
    expect(decision.rpm).toBeCloseTo(600 / 15);
  });

  it('counts the room of later buckets before forcing', () => {
    // Later buckets have 700 rpm of room each: 15 minutes of it takes 10 500 lines.
    const decision = scheduleBatch(input({ remaining: 10_000, deadline: NOW + 2 * BUCKET, forecast: [800, 100], current: 800 }));
    expect(decision).toEqual({ rpm: 0, headroomRpm: 0, forced: false });
    const more = scheduleBatch(input({ remaining: 12_000, deadline: NOW + 2 * BUCKET, forecast: [800, 100], current: 800 }));
    expect(more.forced).toBe(true);
    expect(more.rpm).toBeCloseTo(1_500 / 15);
  });

  it('runs what is left at once past the deadline, and nothing when nothing is left', () => {
    expect(scheduleBatch(input({ remaining: 50, deadline: NOW - 1 })).forced).toBe(true);
    expect(scheduleBatch(input({ remaining: 0 })).rpm).toBe(0);
  });

  it('carries fractions of a line from tick to tick', () => {
    let carry = 0;
    let total = 0;
    for (let tick = 0; tick < 60; tick += 1) {
      const step = linesThisTick(30, 1_000, carry);
      carry = step.carry;
      total += step.lines;
    }
    expect(total).toBe(30);
  });
});
