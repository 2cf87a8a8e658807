/**
 * `node --import tsx bench/response-cache.ts`: microseconds the response cache stage adds to a
 * request, p50 and p99 over many calls after a warm-up, in memory: a hit (key, lookup, decode),
 * and a miss (key, lookup, then storing the answer), for a short chat request and one with a
 * ~4,000-token conversation. This is the cache's own CPU, steadier on a shared machine than the
 * load scenarios (`npm run bench -- --scenarios cache-hit,cache-miss`).
 */
import { CacheStats } from '../src/cache/cache-stats';
import { MemoryCacheStore } from '../src/cache/memory/memory-cache-store';
import { createResponseCache } from '../src/cache/response-cache';
import type { CacheHit } from '../src/cache/types';
import type { ChatRequest, ChatResponse } from '../src/canonical/types';
import type { Exchange } from '../src/gateway/context';

const ANSWER: ChatResponse = { id: 'chatcmpl-1', model: 'gpt-4o-mini', created: 1, text: 'Routers pick a path for each request. '.repeat(8), toolCalls: [], finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 12, outputTokens: 80 } };

function exchangeFor(index: number): Exchange {
  return {
    context: { requestId: `r${index}`, ingress: 'openai', cancel: undefined as never },
    record: { attempts: [{ deployment: 'd', outcome: 'success', latencyMs: 1, inputTokens: 12, outputTokens: 80, costUsd: 0.00005 }], deployment: 'd' },
    route: { name: 'bench', cache: { ttlSeconds: 3_600, scope: 'shared' } },
    principal: undefined,
  } as unknown as Exchange;
}

function requestOf(text: string, index: number): ChatRequest {
  return { model: 'bench', stream: false, messages: [{ role: 'system', content: 'You are brief.' }, { role: 'user', content: [{ type: 'text', text: `${text} #${index}` }] }] };
}

function percentile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

async function run(text: string, calls: number, hit: boolean): Promise<{ p50: number; p99: number }> {
  const cache = createResponseCache({ store: new MemoryCacheStore({ maxBytes: 256 * 1024 * 1024, now: Date.now }), stats: new CacheStats(), now: Date.now, maxEntryBytes: 1 << 20 });
  const samples = new Float64Array(calls);
  const warmup = 2_000;
  for (let index = -warmup; index < calls; index++) {
    // Hits ask one of a few stored questions; misses ask a new one each time.
    const request = requestOf(text, hit ? index & 7 : index);
    if (hit && index === -warmup) {
      for (let seed = 0; seed < 8; seed++) cache.store(stored(cache, requestOf(text, seed)), requestOf(text, seed), ANSWER);
      await turn();
    }
    const exchange = exchangeFor(index);
    const started = process.hrtime.bigint();
    const found = cache.lookup(exchange, request) as CacheHit | undefined;
    if (found === undefined) {
      cache.store(exchange, request, ANSWER);
    }
    const elapsed = Number(process.hrtime.bigint() - started) / 1_000;
    if (hit && found === undefined && index >= 0) throw new Error('expected a hit');
    if (index >= 0) samples[index] = elapsed;
  }
  samples.sort();
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) };
}

/** An exchange whose lookup (a miss) readies the store of `request`. */
function stored(cache: ReturnType<typeof createResponseCache>, request: ChatRequest): Exchange {
  const exchange = exchangeFor(-1);
  cache.lookup(exchange, request);
  return exchange;
}

const calls = Number(process.argv[2] ?? 50_000);
const short = 'Say something short about routers.';
const long = 'Here is a long document about routing and caching to summarise. '.repeat(1_200);
for (const [label, text] of [['short prompt', short], ['~4,000-token prompt', long]] as const) {
  for (const hit of [true, false]) {
    const { p50, p99 } = await run(text, text === long ? Math.min(calls, 5_000) : calls, hit);
    process.stdout.write(`${label.padEnd(20)} ${hit ? 'hit ' : 'miss'}  p50 ${p50.toFixed(1)} µs  p99 ${p99.toFixed(1)} µs\n`);
  }
}
