import { describe, expect, it } from 'vitest';
import { gauge, rssGrowth, unexpectedOutcomes } from './soak';
import type { SoakSample } from './soak';

describe('gauge', () => {
  const exposition = [
    '# HELP junction_process_nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.',
    '# TYPE junction_process_nodejs_heap_size_used_bytes gauge',
    'junction_process_nodejs_heap_size_used_bytes 12345678',
    'junction_nodejs_heap_size_used_bytes_extra 1',
    'junction_process_nodejs_heap_size_total_bytes 2.5e7',
  ].join('\n');

  it.each([
    ['nodejs_heap_size_used_bytes', 12345678],
    ['nodejs_heap_size_total_bytes', 25_000_000],
  ])('reads %s', (name, expected) => {
    expect(gauge(exposition, name)).toBe(expected);
  });

  it('gives NaN for a missing gauge', () => {
    expect(gauge(exposition, 'nothing_here')).toBeNaN();
  });
});

const sample = (t: number, rss: number): SoakSample => ({ t_s: t, rss_mb: rss, heap_used_mb: 10, heap_total_mb: 20, completed: 0, errors: {} });

describe('rssGrowth', () => {
  it('measures from the first sample at or after minute 1 to the last', () => {
    expect(rssGrowth([sample(30, 80), sample(60, 100), sample(90, 104), sample(600, 115)])).toBeCloseTo(0.15, 9);
  });

  it('uses the first sample on soaks shorter than a minute, and NaN with fewer than two', () => {
    expect(rssGrowth([sample(30, 100), sample(45, 95)])).toBeCloseTo(-0.05, 9);
    expect(rssGrowth([sample(30, 100)])).toBeNaN();
  });
});

describe('unexpectedOutcomes', () => {
  it('accepts the failing kind’s 502/503 but nothing else', () => {
    expect(
      unexpectedOutcomes({
        plain: { ok: 100, status_502: 1 },
        streamed: { ok: 50 },
        failing: { ok: 7, status_502: 2, status_503: 1, ECONNRESET: 1 },
      }),
    ).toEqual({ plain: { status_502: 1 }, failing: { ECONNRESET: 1 } });
  });
});
