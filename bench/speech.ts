/**
 * `node --import tsx bench/speech.ts`: what Junction adds to a text-to-speech request. The
 * simulated upstream (no injected latency) synthesises a WAV for a 44-character phrase; the
 * same request is timed sent straight to it, through Junction (phrase cache bypassed: plan,
 * attempt, ledger, audio passed through), and through Junction as a phrase-cache hit. One
 * request at a time over keep-alive connections, p50 and p99 over `--requests` (default 500)
 * after a warm-up, the three interleaved request by request. Junction and the simulator share this process, as in the end-to-end tests.
 */
import { Agent, request } from 'undici';
import { startJunction } from '../src/app';
import { configFromObject } from '../src/config';
import { createSqliteLedger } from '../src/ledger';
import { createLogger } from '../src/observability/logger';
import { startSimulator } from '../src/simulator';

const REQUESTS = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 500;
const WARMUP = 100;
const PHRASE = 'Thank you for calling, please hold the line.';

const simulator = await startSimulator({});
const config = configFromObject({
  server: { host: '127.0.0.1', port: 0 },
  logging: { level: 'silent' },
  ledger: { kind: 'none' },
  providers: { sim: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'bench' } },
  deployments: {
    'tts-1': { provider: 'sim', model: 'tts-1', pricing: { input: 15, output: 0 }, contextWindow: 4_096, capabilities: ['speech'], speech: { languages: ['en'], voices: ['alloy'], formats: ['wav', 'pcm'] } },
  },
  routes: { tts: { deployments: ['tts-1'], cache: { ttlSeconds: 3_600, scope: 'shared' } } },
});
const junction = await startJunction(config, { port: 0, logger: createLogger('silent'), ledger: createSqliteLedger({ path: ':memory:' }) });
const dispatcher = new Agent({ connections: 4 });

interface Target {
  url: string;
  model: string;
  headers: Record<string, string>;
  samples: Float64Array;
  bytes: number;
}

const target = (url: string, model: string, headers: Record<string, string> = {}): Target => ({ url: `${url}/v1/audio/speech`, model, headers, samples: new Float64Array(REQUESTS), bytes: 0 });

async function send(into: Target, index: number): Promise<void> {
  const started = process.hrtime.bigint();
  const response = await request(into.url, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench', ...into.headers },
    body: JSON.stringify({ model: into.model, input: PHRASE, voice: 'alloy', response_format: 'wav' }),
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  if (response.statusCode !== 200) throw new Error(`${into.url} answered ${response.statusCode}: ${body.toString('utf8', 0, 200)}`);
  if (index >= 0) into.samples[index] = Number(process.hrtime.bigint() - started) / 1e6;
  into.bytes = body.length;
}

const direct = target(simulator.url, 'tts-1');
const routed = target(junction.url, 'tts', { 'x-junction-cache': 'bypass' });
const cached = target(junction.url, 'tts');
// Interleaved request by request, so the machine's drift (shared cores) falls on all three alike.
for (let index = -WARMUP; index < REQUESTS; index++) {
  await send(direct, index);
  await send(routed, index);
  await send(cached, index);
}

function percentiles(samples: Float64Array): { p50: number; p99: number } {
  const sorted = Float64Array.from(samples).sort();
  return { p50: sorted[Math.floor(0.5 * sorted.length)]!, p99: sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]! };
}
/** Per request, Junction's time less the direct request's just before it. */
function added(samples: Float64Array): { p50: number; p99: number } {
  return percentiles(samples.map((value, index) => value - direct.samples[index]!));
}

const ms = (value: number) => `${value.toFixed(2)} ms`;
const row = (name: string, figures: { p50: number; p99: number }) => console.log(`${name.padEnd(36)}${ms(figures.p50).padStart(10)} ${ms(figures.p99).padStart(10)}`);
console.log(`speech: ${PHRASE.length}-character phrase, ${(direct.bytes / 1024).toFixed(0)} KB of WAV, ${REQUESTS} requests to each, one at a time, interleaved`);
console.log(`${''.padEnd(36)}${'p50'.padStart(10)} ${'p99'.padStart(10)}`);
row('direct to the simulator', percentiles(direct.samples));
row('through Junction (cache bypassed)', percentiles(routed.samples));
row('  added per request', added(routed.samples));
row('through Junction, phrase-cache hit', percentiles(cached.samples));

await dispatcher.close();
await junction.close();
await simulator.close();
