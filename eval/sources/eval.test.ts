import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { injectFaults, FAULT_TYPES } from './faults';
import { loadAll, parseBtcCsv, parsePmCsv } from './load';
import { summarise } from './metrics';
import { replay } from './replay';
import { targetsFor } from './targets';
import { fitConfidence } from './calibrate';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const pm = () => parsePmCsv('PM2.5 Testcity', 'train', fixture('TestcityPM20140301_20140310.csv'));
const btc = () => parseBtcCsv('BTC fixture', fixture('btc-fixture.csv'));

describe('loading', () => {
  it('reads the PM2.5 layout: sources, NA as missing, local time to UTC', () => {
    const series = pm();
    expect(series.sources).toEqual(['North', 'South', 'US Post']);
    expect(series.times).toHaveLength(240);
    expect(new Date(series.times[0]).toISOString()).toBe('2014-02-28T16:00:00.000Z');
    expect(Number.isNaN(series.values[0][48])).toBe(true);
    expect(series.stepMs).toBe(3_600_000);
  });

  it('reads the bitcoinity layout and drops the aggregate column', () => {
    const series = btc();
    expect(series.sources).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(series.part).toBe('heldout');
    expect(series.stepMs).toBe(86_400_000);
  });
});

describe('fault injection', () => {
  it('is deterministic for a seed and different across seeds', () => {
    const series = btc();
    expect(injectFaults(series, 3).episodes).toEqual(injectFaults(series, 3).episodes);
    expect(injectFaults(series, 3).episodes).not.toEqual(injectFaults(series, 4).episodes);
  });

  it('applies each fault as described', () => {
    const series = pm();
    const delivered = injectFaults(series, 1);
    expect(delivered.episodes.map((e) => e.type)).toEqual(FAULT_TYPES.slice(0, delivered.episodes.length));
    const stuck = delivered.episodes.find((e) => e.type === 'stuck')!;
    const column = delivered.values[stuck.source];
    const frozen = new Set<number>();
    for (let t = stuck.start; t < stuck.end; t++) if (!Number.isNaN(column[t])) frozen.add(column[t]);
    expect(frozen.size).toBe(1);
    const drift = delivered.episodes.find((e) => e.type === 'drift');
    if (drift !== undefined) expect(delivered.values[drift.source][drift.end - 1]).toBeCloseTo(series.values[drift.source][drift.end - 1] * 1.8, 6);
  });
});

describe('replay and scores on fixtures', () => {
  it('answers every scored hour of the PM fixture and beats the naive mean under faults', () => {
    const summary = summarise(replay(pm(), 5));
    expect(summary.scored).toBeGreaterThan(200);
    expect(summary.router.coverage).toBe(1);
    expect(summary.router.mae).toBeLessThan(summary.baselines[0].mae);
    expect(summary.breakers.find((b) => b.type === 'stuck')?.opened).toBe(1);
  });

  it('scores the BTC fixture and checks targets per series', () => {
    const summary = summarise(replay(btc(), 5));
    expect(summary.router.coverage).toBeGreaterThan(0.99);
    const targets = targetsFor([summary]);
    expect(targets.map((t) => t.name)).toContain('coverage ≥ 99.5% of scored steps');
    expect(targets.every((t) => typeof t.met === 'boolean')).toBe(true);
  });

  it('fits a confidence table that keeps its signs', () => {
    const run = replay(pm(), 5);
    const samples = run.records.filter((r) => r.features !== undefined).map((r) => ({ features: r.features!, within: Math.abs(r.routed - r.truth) <= r.tolerance / 4 }));
    const table = fitConfidence(samples);
    expect(table.weights).toHaveLength(8);
    expect(table.weights[0]).toBeLessThanOrEqual(0);
    expect(table.weights[2]).toBeGreaterThanOrEqual(0);
  });
});

const root = process.env.JUNCTION_SOURCES_EVAL_DATA;
describe.skipIf(root === undefined)('on the real data (JUNCTION_SOURCES_EVAL_DATA)', () => {
  it('keeps the split: Beijing and Shanghai train, the rest held out', () => {
    const series = loadAll(root!);
    expect(series.filter((s) => s.part === 'train').map((s) => s.name)).toEqual(['PM2.5 Beijing', 'PM2.5 Shanghai']);
    expect(series.filter((s) => s.part === 'heldout')).toHaveLength(4);
    const beijing = summarise(replay(series[0], 17));
    expect(beijing.router.coverage).toBeGreaterThan(0.995);
    expect(beijing.router.mae).toBeLessThan(0.5 * beijing.baselines[0].mae);
  });
});
