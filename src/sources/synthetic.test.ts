import { describe, expect, it } from 'vitest';
import { forecast } from './synthetic';
import type { HistoryPoint } from './types';

const HOUR = 3_600_000;

function history(hours: number, value: (hour: number) => number): HistoryPoint[] {
  return Array.from({ length: hours }, (_, hour) => ({ at: hour * HOUR, value: value(hour), sigma: 1 }));
}

describe('synthetic forecast', () => {
  it('uses the same time yesterday when the history has a strong daily cycle', () => {
    const daily = (hour: number) => 100 + 50 * Math.sin((2 * Math.PI * hour) / 24);
    const guess = forecast(history(48, daily), 51 * HOUR, 6 * HOUR, 1)!;
    expect(guess.strategy).toBe('synthetic-seasonal');
    expect(guess.value).toBeCloseTo(daily(27), 6);
  });

  it('follows a steady trend', () => {
    const guess = forecast(history(20, (hour) => 10 + 2 * hour), 21 * HOUR, 6 * HOUR, 0.5)!;
    expect(guess.strategy).toBe('synthetic-trend');
    expect(guess.value).toBeCloseTo(52, 0);
  });

  it('keeps the last good value when the history is flat', () => {
    const guess = forecast(history(10, () => 7), 12 * HOUR, 6 * HOUR, 0.5)!;
    expect(guess.strategy).toBe('synthetic-last-good');
    expect(guess.value).toBe(7);
  });

  it('widens its uncertainty with the lead time and never below the last real spread', () => {
    const noisy = history(48, (hour) => 100 + 10 * Math.sin(hour * 2.3));
    const near = forecast(noisy, 48 * HOUR, 6 * HOUR, 0.5)!;
    const far = forecast(noisy, 53 * HOUR, 6 * HOUR, 0.5)!;
    expect(far.sigma).toBeGreaterThanOrEqual(0.5);
    expect(near.sigma).toBeGreaterThanOrEqual(0.5);
    expect(forecast(history(3, () => 5), 4 * HOUR, 6 * HOUR, 9)!.sigma).toBeGreaterThanOrEqual(9);
  });

  it('has nothing to say without history', () => {
    expect(forecast([], HOUR, 6 * HOUR, 1)).toBeUndefined();
  });
});
