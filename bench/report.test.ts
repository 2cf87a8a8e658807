import { describe, expect, it } from 'vitest';
import type { LoadResult } from './load';
import { closedFigures, formatReport, summarise } from './report';
import type { BenchReport, RunRecord, ScenarioFigures } from './report';
import { summarise as summariseSamples } from './stats';

function run(rps: number, latencies: number[], errors: Record<string, number> = {}, cpu = 50): RunRecord {
  const result: LoadResult = {
    mode: 'closed', connections: 50, durationS: 10, sent: latencies.length, rps, ok: latencies.length, errors, outcomes: {},
    latency: summariseSamples(latencies), clientCpuPercent: 20, errorDetails: [],
  };
  return { result, usage: { junction: { cpuPercent: cpu, rssMaxMb: 100 } } };
}

describe('closedFigures', () => {
  it('gives the process under test’s CPU per request, round by round, when it was sampled', () => {
    expect(closedFigures([run(1000, [1], {}, 50), run(2000, [1], {}, 80)], false, 'junction').cpu_us_per_request_by_round).toEqual([500, 400]);
    expect(closedFigures([run(1000, [1], {}, 50)], false, 'floor').cpu_us_per_request_by_round).toBeUndefined();
  });

  it('takes the median of each figure over the rounds and sums the errors', () => {
    const figures = closedFigures([run(900, [1, 2, 3], { ECONNRESET: 1 }, 40), run(1000, [2, 3, 4], {}, 60), run(5000, [3, 4, 5], { status_502: 2 }, 90)], false);
    expect(figures).toMatchObject({ rps: 1000, rps_by_round: [900, 1000, 5000], p50_ms: 3, p99_ms: 4, errors: 3, cpu_percent: { junction: 60 } });
    expect(figures.ttfb_p50_ms).toBeUndefined();
  });
});

const open = (p50: number, p99: number, ttfb?: number, cpu = 20) => ({ achieved_rps: 1000, p50_ms: p50, p99_ms: p99, errors: 0, send_lag_p50_ms: 0.1, cpu_percent: { junction: cpu } as Record<string, number>, ttfb_p50_ms: ttfb });
const scenario = (name: string, rps: number, at1000: ReturnType<typeof open>, byRound = [rps, rps, rps]): ScenarioFigures => ({
  name, target: 'junction',
  closed: { rps, rps_by_round: byRound, p50_ms: 1, p99_ms: 2, errors: 0, cpu_percent: {}, rss_mb: {} },
  rates: { '1000': at1000 },
});

describe('summarise', () => {
  const scenarios = {
    '2': scenario('floor', 8000, open(1.0, 4.0, undefined, 20), [8000, 10000, 6000]),
    '2s': scenario('floor sse', 7000, open(1.1, 4.5, 1.1)),
    '4': scenario('junction', 6000, open(1.15, 4.8, undefined, 25), [6000, 8000, 3000]),
    '5': scenario('junction sse', 3000, open(1.6, 6, 1.4)),
    '6': scenario('workers', 9000, open(1.1, 4)),
  };

  it('compares scenario 4 with the floor, 5 with the streamed floor and 6 with 4', () => {
    expect(summarise(scenarios, 1000)).toEqual({ throughput_vs_floor: 0.75, throughput_vs_floor_by_round: [0.75, 0.8, 0.5], added_p50_ms: 0.15, added_p99_ms: 0.8, ttfb_added_p50_ms: 0.3, workers_vs_single: 1.5, cpu_per_request_vs_floor: { ratio: 1.25, at_rate: 1000 }, at_rate: 1000 });
  });

  it('compares CPU per request at the highest rate both the floor and Junction ran', () => {
    const withRates = (figures: ScenarioFigures, rates: Record<string, ReturnType<typeof open>>): ScenarioFigures => ({ ...figures, rates: { ...figures.rates, ...rates } });
    const floor = withRates(scenarios['2'], { '2000': { ...open(1, 4, undefined, 30), achieved_rps: 2000 } });
    const junction = withRates(scenarios['4'], { '2000': { ...open(1, 4, undefined, 45), achieved_rps: 2000 }, '4000': open(1, 4, undefined, 99) });
    expect(summarise({ '2': floor, '4': junction }, 1000).cpu_per_request_vs_floor).toEqual({ ratio: 1.5, at_rate: 2000 });
    expect(summarise({ '2': scenarios['2'], '4': junction }, 1000).cpu_per_request_vs_floor).toEqual({ ratio: 1.25, at_rate: 1000 });
  });

  it('gives null for figures whose scenarios did not run', () => {
    expect(summarise({ '4': scenarios['4'] }, 1000)).toEqual({ throughput_vs_floor: null, throughput_vs_floor_by_round: null, added_p50_ms: null, added_p99_ms: null, ttfb_added_p50_ms: null, workers_vs_single: null, cpu_per_request_vs_floor: null, at_rate: 1000 });
  });

  it('judges each access scenario against scenario 4 round by round, and its latency against the floor and 4', () => {
    const withAccess = {
      ...scenarios,
      'access-memory': { ...scenario('keys, memory', 5700, { ...open(1.2, 5.0), cpu_percent: { 'access-memory': 26 } }, [5700, 7400, 2910]), target: 'access-memory' },
      'access-redis': { ...scenario('keys, Redis', 4200, open(1.5, 6.0, undefined, 30), [4800, 4000, 2400]), target: 'access-redis' },
    };
    const summary = summarise(withAccess, 1000);
    expect(summary.access_memory).toEqual({
      rps: 5700, throughput_vs_plain: 0.95, throughput_vs_plain_by_round: [0.95, 0.925, 0.97], cost: 0.05, meets_target: true,
      added_p50_ms: 0.2, added_p99_ms: 1, added_over_plain_p50_ms: 0.05, added_over_plain_p99_ms: 0.2, cpu_per_request_vs_plain: { ratio: 1.04, at_rate: 1000 },
      closed_cpu_per_request_vs_plain_by_round: null, closed_cpu_per_request_vs_plain: null,
    });
    expect(summary.access_redis).toMatchObject({ rps: 4200, throughput_vs_plain_by_round: [0.8, 0.5, 0.8], cost: 0.2, meets_target: null, added_p50_ms: 0.5, added_p99_ms: 2 });
    const text = formatReport({ generated_at: '', machine: { cpus: 2, node: 'v20', load_average: [0, 0, 0] }, options: { connections: 50, duration: 10, warmup: 2, rounds: 3 }, notes: [], scenarios: withAccess, summary }, ['junction']);
    expect(text).toContain('keys, limits and budget on memory state: 5700 req/s, 0.950 of scenario 4 (round by round: 0.950, 0.925, 0.970), cost 5.0%, within the 10% target');
    expect(text).toContain('on Redis state: 4200 req/s');
    expect(text).toContain('cost 20.0%\n');
    const sampled = (figures: ScenarioFigures, cpu: number[]): ScenarioFigures => ({ ...figures, closed: { ...figures.closed!, cpu_us_per_request_by_round: cpu } });
    const withCpu = { ...withAccess, '4': sampled(withAccess['4'], [150, 160, 140]), 'access-memory': sampled(withAccess['access-memory'], [165, 168, 150.5]) };
    expect(summarise(withCpu, 1000).access_memory).toMatchObject({ closed_cpu_per_request_vs_plain_by_round: [1.1, 1.05, 1.075], closed_cpu_per_request_vs_plain: 1.075 });
    expect(formatReport({ generated_at: '', machine: { cpus: 2, node: 'v20', load_average: [0, 0, 0] }, options: {}, notes: [], scenarios: withCpu, summary: summarise(withCpu, 1000) }, [])).toContain("closed loop, CPU per request over scenario 4's: 1.075× (round by round: 1.100, 1.050, 1.075)");
    const slow = summarise({ ...withAccess, 'access-memory': { ...withAccess['access-memory'], closed: { ...withAccess['access-memory'].closed!, rps_by_round: [5000, 6000, 2000] } } }, 1000);
    expect(slow.access_memory).toMatchObject({ cost: 0.25, meets_target: false });
    expect(text).toContain('over the floor: p50 0.500 ms, p99 2.000 ms; over scenario 4: p50 0.350 ms, p99 1.200 ms');
  });

  it('prints every scenario and the summary', () => {
    const report: BenchReport = {
      generated_at: '2025-01-01T00:00:00.000Z', machine: { cpus: 2, node: 'v20', load_average: [0, 0, 0] },
      options: { connections: 50, duration: 10, warmup: 2, rounds: 3 }, notes: ['a note'], scenarios, summary: summarise(scenarios, 1000),
    };
    const text = formatReport(report, ['junction', 'load']);
    for (const name of ['floor', 'floor sse', 'junction sse', 'workers']) expect(text).toContain(name);
    expect(text).toContain('Junction (4) / floor (2): 0.750 (round by round: 0.750, 0.800, 0.500)');
    expect(text).toContain('p50 0.150 ms, p99 0.800 ms');
    expect(text).toContain('CPU per request, Junction (4) / floor (2): 1.250 at 1000 req/s');
    expect(text).toContain('note: a note');
  });
});
