import { describe, expect, it } from 'vitest';
import { drawLatencyMs, frameGapMs } from './latency';
import { seededRandom } from '../resilience/random';

describe('drawLatencyMs', () => {
  it.each([
    ['no spec', undefined, 0],
    ['zero median', { p50: 0, p99: 100 }, 0],
    ['p99 equal to p50', { p50: 120, p99: 120 }, 120],
    ['p99 below p50', { p50: 120, p99: 50 }, 120],
  ])('%s gives a constant without drawing', (_name, spec, expected) => {
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0.5;
    };
    expect(drawLatencyMs(spec, random)).toBe(expected);
    expect(draws).toBe(0);
  });

  it('draws a lognormal whose median and 99th percentile match the spec', () => {
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => drawLatencyMs({ p50: 100, p99: 1000 }, random)).sort((a, b) => a - b);
    const quantile = (q: number): number => samples[Math.floor(q * samples.length)];
    expect(quantile(0.5)).toBeGreaterThan(90);
    expect(quantile(0.5)).toBeLessThan(110);
    expect(quantile(0.99)).toBeGreaterThan(800);
    expect(quantile(0.99)).toBeLessThan(1250);
    expect(samples[0]).toBeGreaterThan(0);
  });

  it('is reproducible with the same seed', () => {
    const spec = { p50: 50, p99: 400 };
    const first = seededRandom(7);
    const second = seededRandom(7);
    expect([1, 2, 3].map(() => drawLatencyMs(spec, first))).toEqual([1, 2, 3].map(() => drawLatencyMs(spec, second)));
  });
});

describe('frameGapMs', () => {
  it.each([
    [20, 11, undefined, 0],
    [20, 11, 0, 0],
    [20, 1, 100, 0],
    [20, 11, 100, 20],
    [50, 6, 25, 400],
  ])('%i tokens over %i frames at %s tokens/s → %i ms apart', (tokens, frames, rate, expected) => {
    expect(frameGapMs(tokens, frames, rate)).toBeCloseTo(expected);
  });
});
