import { describe, expect, it } from 'vitest';
import { parseOptions } from './run';
import { selectScenarios } from './scenarios';

describe('parseOptions', () => {
  it('defaults to 3 rounds of 10 s at 50 connections and three rates', () => {
    expect(parseOptions([])).toMatchObject({ rounds: 3, duration: 10, warmup: 2, connections: 50, rates: [500, 1000, 2000], json: false, soak: undefined, soakRate: 1000 });
  });

  it('--quick is one round of 3 s; explicit options win', () => {
    expect(parseOptions(['--quick'])).toMatchObject({ rounds: 1, duration: 3, warmup: 1 });
    expect(parseOptions(['--quick', '--duration', '5', '--scenarios', '2,4', '--rates', '700', '--json'])).toMatchObject({ rounds: 1, duration: 5, scenarios: ['2', '4'], rates: [700], json: true });
  });

  it('soaks at the first given rate, else 1000 req/s', () => {
    expect(parseOptions(['--soak', '600'])).toMatchObject({ soak: 600, soakRate: 1000 });
    expect(parseOptions(['--soak', '60', '--rates', '300,900'])).toMatchObject({ soak: 60, soakRate: 300 });
  });

  it('takes Redis for access-redis from --redis, else REDIS_URL, else the local default', () => {
    expect(parseOptions(['--redis', 'redis://elsewhere:6380']).redis).toBe('redis://elsewhere:6380');
    const saved = process.env.REDIS_URL;
    try {
      process.env.REDIS_URL = 'redis://from-env:6379';
      expect(parseOptions([]).redis).toBe('redis://from-env:6379');
      delete process.env.REDIS_URL;
      expect(parseOptions([]).redis).toBe('redis://127.0.0.1:6379');
    } finally {
      if (saved === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved;
    }
  });

  it.each([[['--duration', '0']], [['--rates', '500,x']], [['--rounds', '-1']], [['--frobnicate']]])('refuses %j', (argv) => {
    expect(() => parseOptions(argv)).toThrow();
  });
});

describe('selectScenarios', () => {
  it('runs every scenario by default, the floor first', () => {
    expect(selectScenarios(undefined).map((scenario) => scenario.id)).toEqual(['1', '2', '2s', '3', '4', 'access-memory', 'access-redis', 'cache-hit', 'cache-miss', '5', '6']);
  });

  it('runs scenario 4 with the access scenarios, and the floor with access-redis', () => {
    expect(selectScenarios(['access-memory']).map((scenario) => scenario.id)).toEqual(['4', 'access-memory']);
    expect(selectScenarios(['access-redis']).map((scenario) => scenario.id)).toEqual(['2', '4', 'access-redis']);
    expect(selectScenarios(['access-redis', 'access-memory']).filter((scenario) => scenario.keyed).map((scenario) => scenario.target)).toEqual(['access-memory', 'access-redis']);
  });

  it('runs the cache hit with the floor and the cache miss with scenario 4', () => {
    expect(selectScenarios(['cache-hit']).map((scenario) => scenario.id)).toEqual(['2', 'cache-hit']);
    expect(selectScenarios(['cache-miss']).map((scenario) => scenario.id)).toEqual(['4', 'cache-miss']);
  });

  it('adds the streamed floor whenever the streamed scenario runs', () => {
    expect(selectScenarios(['5', '2']).map((scenario) => scenario.id)).toEqual(['2', '2s', '5']);
    expect(selectScenarios(['4']).map((scenario) => scenario.id)).toEqual(['4']);
  });

  it('adds the baseline build’s scenario 4b only with --baseline', () => {
    expect(selectScenarios(undefined, true).map((scenario) => scenario.id)).toEqual(['1', '2', '2s', '3', '4', 'access-memory', 'access-redis', 'cache-hit', 'cache-miss', '5', '6', '4b']);
    expect(selectScenarios(['2', '4'], true).map((scenario) => scenario.id)).toEqual(['2', '4', '4b']);
    expect(() => selectScenarios(['4b'])).toThrow(/--baseline/);
    expect(parseOptions(['--baseline', 'old/junction.js']).baseline).toBe('old/junction.js');
  });

  it('refuses an unknown scenario', () => {
    expect(() => selectScenarios(['9'])).toThrow(/unknown scenario '9'/);
  });
});
