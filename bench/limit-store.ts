/**
 * `node --import tsx bench/limit-store.ts [--redis redis://127.0.0.1:6379] [--seconds 3]`:
 * what the limit stores cost a request. Each operation is one request's reservation and its
 * settlement, with a typical request's six draws: the key's requests and tokens per minute, its
 * requests in flight, its team's daily budget, its own monthly budget and the gateway's monthly
 * budget. Keys rotate over 100 virtual keys of 10 teams; every limit is high enough to admit.
 *
 * Reported per store: operations a second and the latency of one reservation + settlement
 * (p50, p99), one at a time (the latency a request sees) and with 64 in flight (what one
 * process gets through; on Redis, one connection). Redis keys go under a fresh prefix and are
 * deleted at the end.
 */
import { createMemoryLimitStore } from '../src/access/limits';
import { createRedisLimitStore } from '../src/access/limits/redis/redis-limit-store';
import type { Draw, LimitStore } from '../src/access/limits/types';
import { DEFAULT_REDIS_URL, deleteKeysUnder, runPrefix } from './redis-prefix';
import { SampleBuffer } from './stats';

const argument = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1] : fallback;
};
const REDIS_URL = argument('redis', process.env.REDIS_URL ?? DEFAULT_REDIS_URL);
const SECONDS = Number(argument('seconds', '3'));
const KEYS = 100;
const TEAMS = 10;
const MONTH_END = Date.now() + 30 * 86_400_000;
const DAY_END = Date.now() + 86_400_000;
const NANO_USD = 1_000_000_000;

/** The draws of the `index`-th request: a 1,000-token estimate costing about a cent. */
function drawsOf(index: number): Draw[] {
  const key = index % KEYS;
  const team = key % TEAMS;
  return [
    { rule: { kind: 'rate', key: `key:${key}:rpm`, perMinute: 1_000_000, capacity: 1_000_000 }, amount: 1 },
    { rule: { kind: 'rate', key: `key:${key}:tpm`, perMinute: 1_000_000_000, capacity: 1_000_000_000 }, amount: 1_000 },
    { rule: { kind: 'concurrency', key: `key:${key}:inflight`, limit: 1_000 }, amount: 1 },
    { rule: { kind: 'quota', key: `team:${team}:budget:day`, limit: 1_000_000 * NANO_USD, windowEnd: DAY_END, alertAt: [0.8, 0.95] }, amount: NANO_USD / 100 },
    { rule: { kind: 'quota', key: `key:${key}:budget:month`, limit: 1_000_000 * NANO_USD, windowEnd: MONTH_END, alertAt: [0.8, 0.95] }, amount: NANO_USD / 100 },
    { rule: { kind: 'quota', key: 'global:budget:month', limit: 1_000_000 * NANO_USD, windowEnd: MONTH_END, alertAt: [0.8, 0.95] }, amount: NANO_USD / 100 },
  ];
}

const DRAWS = Array.from({ length: KEYS }, (_, index) => drawsOf(index));
/** What each draw really used: fewer tokens and less money than estimated. */
const ACTUAL = [1, 600, 1, NANO_USD / 200, NANO_USD / 200, NANO_USD / 200];

async function once(store: LimitStore, index: number): Promise<void> {
  const now = Date.now();
  const outcome = await store.reserve(DRAWS[index % KEYS], now, 60_000);
  if (!outcome.admitted) throw new Error(`refused on ${outcome.refusal.rule.key}: the bench's limits should admit everything`);
  await store.settle(outcome.reservation, ACTUAL, now);
}

/** Runs `inFlight` loops for `seconds`; returns operations a second and per-operation latency (ms). */
async function measure(store: LimitStore, inFlight: number, seconds: number): Promise<{ perSecond: number; p50: number; p99: number }> {
  const samples = new SampleBuffer();
  const endAt = performance.now() + seconds * 1_000;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < endAt) {
        const began = performance.now();
        await once(store, next++);
        samples.add(performance.now() - began);
      }
    }),
  );
  const summary = samples.summarise();
  return { perSecond: summary.count / ((performance.now() - start) / 1_000), p50: summary.p50, p99: summary.p99 };
}

async function bench(name: string, store: LimitStore): Promise<void> {
  await measure(store, 1, Math.min(1, SECONDS)); // warm-up: JIT, script loading
  for (const inFlight of [1, 64]) {
    const { perSecond, p50, p99 } = await measure(store, inFlight, SECONDS);
    console.log(`${name.padEnd(8)} ${String(inFlight).padStart(3)} in flight  ${Math.round(perSecond).toLocaleString('en-US').padStart(9)} reserve+settle/s   p50 ${p50.toFixed(3).padStart(7)} ms   p99 ${p99.toFixed(3).padStart(7)} ms`);
  }
}

console.log(`6 draws a request (2 rates, 1 concurrency, 3 budgets), ${SECONDS} s a run`);
const memory = createMemoryLimitStore();
await bench('memory', memory);
await memory.close();

const prefix = runPrefix();
const redis = createRedisLimitStore({ url: REDIS_URL, prefix, timeoutMs: 1_000, onError: (error) => console.error(error.message) });
await Promise.race([redis.ready, new Promise((_, reject) => setTimeout(() => reject(new Error(`no Redis at ${REDIS_URL}`)), 3_000))]);
try {
  await bench('redis', redis);
} finally {
  await redis.close();
  await deleteKeysUnder(REDIS_URL, prefix);
}
