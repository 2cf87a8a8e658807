import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLAY, interactiveP99, replayDay, rpmAtP99 } from './replay';

describe('batch replay', () => {
  const outcome = replayDay();
  const mode = (name: string) => outcome.modes.find((entry) => entry.mode === name)!;

  it('the scheduler finishes the batch in its window, mostly in troughs, with interactive p99 under target', () => {
    const scheduled = mode('scheduled');
    expect(scheduled.linesRun).toBe(DEFAULT_REPLAY.batchLines);
    expect(scheduled.finishedAtMinute).toBeLessThan(24 * 60);
    expect(scheduled.p99Ms).toBeLessThan(DEFAULT_REPLAY.p99TargetMs);
    expect(scheduled.troughShare).toBeGreaterThan(0.6);
    // Flat-out finishes too, but interactive traffic pays for it.
    expect(mode('flat-out').p99Ms).toBeGreaterThan(DEFAULT_REPLAY.p99TargetMs);
    expect(mode('none').p99Ms).toBeLessThan(scheduled.p99Ms);
  });

  it('the forecast predicts the replayed day within a few percent', () => {
    expect(outcome.forecast.buckets).toBe(96);
    expect(outcome.forecast.mape).toBeLessThan(6);
  });

  it('is repeatable, and a seed changes the day', () => {
    expect(replayDay().modes).toEqual(outcome.modes);
    expect(replayDay({ ...DEFAULT_REPLAY, seed: 20 }).interactive.requests).not.toBe(outcome.interactive.requests);
  });

  it('models an M/M/1 queue: p99 of ln(100)/(μ − λ) at a steady load', () => {
    // μ = 20/s, λ = 10/s: p99 = ln(100)/10 s ≈ 460.5 ms.
    expect(interactiveP99(new Array(60).fill(600), new Array(60).fill(0), 1_200)).toBeCloseTo(460.5, 0);
    expect(rpmAtP99(1_200, 460.517)).toBeCloseTo(600, 0);
  });
});
