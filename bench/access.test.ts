/**
 * The access scenarios' set-up, for real: their config parses and differs from the plain bench
 * config only in auth, limits and state; Junction started from it refuses a request without a
 * key and admits the run's key (counted in memory, and in Redis under a run's own prefix that is
 * gone afterwards); and the load generator sends the key with every request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, hashKey } from '../src/access/keys';
import { startJunction, type Junction } from '../src/app';
import { loadConfigFile } from '../src/config';
import { createLogger } from '../src/observability/logger';
import { checkAccessTarget, JUNCTION_ACCESS_CONFIG, JUNCTION_CONFIG } from './harness';
import { runLoad } from './load';
import { DEFAULT_REDIS_URL, deleteKeysUnder, runPrefix } from './redis-prefix';
import { SCENARIOS, withKey } from './scenarios';
import { startMinimalUpstream } from './upstream';

const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const { key } = generateKey();
let upstream: Awaited<ReturnType<typeof startMinimalUpstream>>;
let temp: string;

beforeAll(async () => {
  upstream = await startMinimalUpstream(0);
  temp = mkdtempSync(join(tmpdir(), 'junction-bench-access-'));
});
afterAll(async () => {
  await upstream?.close();
  rmSync(temp, { recursive: true, force: true });
});

const envFor = (state: 'memory' | 'redis', ledger: string, prefix = 'junction-bench:') => ({
  BENCH_UPSTREAM: upstream.url,
  BENCH_LEDGER: join(temp, ledger),
  BENCH_KEY: key,
  BENCH_STATE: state,
  BENCH_REDIS: REDIS_URL,
  BENCH_STATE_PREFIX: prefix,
});

describe('the access scenarios’ config', () => {
  it('declares the run’s key with rate limits and a budget, kept by hash only', () => {
    const config = loadConfigFile(JUNCTION_ACCESS_CONFIG, envFor('memory', 'parse.db'));
    expect(config.auth.mode).toBe('keys');
    expect(config.auth.keys).toHaveLength(1);
    const [declared] = config.auth.keys;
    expect(declared).toMatchObject({ id: 'bench', limits: { rpm: 1_000_000_000, tpm: 10_000_000_000 }, budgets: [{ usd: 1_000_000, period: 'month' }] });
    expect(declared.key === key || declared.hash === hashKey(key)).toBe(true);
    expect(config.state.kind).toBe('memory');
    expect(loadConfigFile(JUNCTION_ACCESS_CONFIG, envFor('redis', 'parse.db', 'junction-bench:run:')).state).toMatchObject({ kind: 'redis', url: REDIS_URL, prefix: 'junction-bench:run:' });
  });

  it('is the plain bench config in everything but auth, limits and state', () => {
    const env = envFor('memory', 'same.db');
    const plain = loadConfigFile(JUNCTION_CONFIG, env);
    const keyed = loadConfigFile(JUNCTION_ACCESS_CONFIG, env);
    const rest = ({ auth, limits, state, file, ...others }: typeof plain) => others;
    expect(rest(keyed)).toEqual(rest(plain));
  });

  it('without a key, the config is refused rather than started open', () => {
    expect(() => loadConfigFile(JUNCTION_ACCESS_CONFIG, { ...envFor('memory', 'nokey.db'), BENCH_KEY: undefined })).toThrow(/BENCH_KEY/);
  });

  it('the keyed scenarios send scenario 4’s request, with the key as a bearer token', () => {
    const plain = SCENARIOS.find((scenario) => scenario.id === '4')!;
    for (const id of ['access-memory', 'access-redis']) {
      const scenario = SCENARIOS.find((candidate) => candidate.id === id)!;
      expect(scenario.keyed).toBe(true);
      expect(scenario.request.body).toBe(plain.request.body);
      expect(withKey(scenario.request, key).headers).toEqual({ authorization: `Bearer ${key}` });
    }
  });
});

describe.each(['memory', 'redis'] as const)('Junction from the access config, %s state', (state) => {
  let junction: Junction;
  const prefix = runPrefix();
  beforeAll(async () => {
    const config = loadConfigFile(JUNCTION_ACCESS_CONFIG, envFor(state, `${state}.db`, prefix));
    junction = await startJunction(config, { port: 0, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await junction?.close();
    if (state === 'redis') await deleteKeysUnder(REDIS_URL, prefix);
  });

  it('refuses a request without a key and admits the run’s key, quoting its limits', async () => {
    await expect(checkAccessTarget(state, junction.url, 'bench-three', key)).resolves.toBeUndefined();
    await expect(checkAccessTarget(state, junction.url, 'bench-three', generateKey().key)).rejects.toThrow(/answered 401/);
  });

  it('admits every request the load generator sends with the key', async () => {
    const scenario = SCENARIOS.find((candidate) => candidate.id === `access-${state}`)!;
    const result = await runLoad({ origin: junction.url, requests: [withKey(scenario.request, key)], mode: 'closed', connections: 4, warmupS: 0.1, durationS: 0.4 });
    expect(result.sent).toBeGreaterThan(0);
    expect(result.errors).toEqual({});
    expect(result.ok).toBe(result.sent);
  });

  it.runIf(state === 'redis')('counts in Redis under the run’s prefix, and leaves nothing there once cleaned', async () => {
    const redis = new Redis(REDIS_URL);
    try {
      expect((await redis.keys(`${prefix}limits:*`)).length).toBeGreaterThan(0);
      const other = runPrefix();
      await redis.set(`${other}kept`, '1');
      await deleteKeysUnder(REDIS_URL, prefix);
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
      expect(await redis.get(`${other}kept`)).toBe('1');
      await redis.del(`${other}kept`);
    } finally {
      redis.disconnect();
    }
  });
});
