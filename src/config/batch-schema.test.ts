import { describe, expect, it } from 'vitest';
import { configFromObject } from './config-from-object';

const base = {
  providers: { openai: { kind: 'openai', apiKey: 'sk-test' } },
  deployments: { mini: { provider: 'openai', model: 'gpt-4o-mini', pricing: { input: 0.15, output: 0.6 }, contextWindow: 128_000 } },
  routes: { chat: { deployments: ['mini'] } },
};

describe('the batch section', () => {
  it('is off by default, in memory, with the scheduler’s defaults', () => {
    expect(configFromObject(base).batch).toEqual({
      enabled: false,
      store: { kind: 'memory' },
      tickMs: 1_000,
      margin: 0.2,
      p99TargetMs: 1_000,
      bucketMinutes: 15,
      historyDays: 7,
      capacityRpm: {},
      defaultCapacityRpm: 600,
      maxInFlight: 16,
      maxFileBytes: 100 * 1024 * 1024,
      maxLines: 50_000,
    });
  });

  it('keeps a SQLite store beside the config and capacities by deployment', () => {
    const batch = configFromObject({ ...base, batch: { enabled: true, store: { kind: 'sqlite', path: ':memory:' }, capacityRpm: { mini: 900 } } }).batch;
    expect(batch).toMatchObject({ enabled: true, store: { kind: 'sqlite', path: ':memory:' }, capacityRpm: { mini: 900 } });
  });

  it.each([
    [{ capacityRpm: { mnii: 900 } }, 'batch.capacityRpm.mnii: unknown deployment "mnii"; did you mean "mini"?'],
    [{ bucketMinutes: 7 }, 'a divisor of 1440'],
    [{ margin: 1 }, 'batch.margin'],
  ])('refuses %j', (batch, message) => {
    expect(() => configFromObject({ ...base, batch })).toThrow(message);
  });
});
