/**
 * The ledger holds every request: N requests of every kind give exactly N rows with the right
 * tokens and cost, also when the real CLI process is stopped with SIGTERM under load.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '../../src/routing/cost';
import { startSimulator, type Simulator } from '../../src/simulator';
import { spawnJunction } from '../support/cli';
import { PRICES, startHarness, type Harness } from '../support/harness';

describe('ledger: one row per request', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(() => harness.close());

  it('records exactly N rows for N mixed requests, with tokens and cost matching what callers saw', async () => {
    harness.simulator.setBehaviour('gpt-4o', { errorRates: { '500': 1 } });
    const client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'k', maxRetries: 0 });
    const before = await harness.junction.ledger.count();
    const seen = new Map<string, { input: number; output: number; status: number }>();
    const messages = [{ role: 'user' as const, content: 'count me' }];
    const jobs: Array<() => Promise<void>> = [];
    for (let i = 0; i < 10; i += 1) {
      jobs.push(async () => {
        const { data, response } = await client.chat.completions.create({ model: 'to-openai', messages }).withResponse();
        seen.set(response.headers.get('x-request-id')!, { input: data.usage!.prompt_tokens, output: data.usage!.completion_tokens, status: 200 });
      });
      jobs.push(async () => {
        const { data: stream, response } = await client.chat.completions.create({ model: 'to-anthropic', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
        let usage: OpenAI.CompletionUsage | undefined;
        for await (const chunk of stream) usage = chunk.usage ?? usage;
        seen.set(response.headers.get('x-request-id')!, { input: usage!.prompt_tokens, output: usage!.completion_tokens, status: 200 });
      });
      jobs.push(async () => {
        // openai-big fails (500), anthropic-haiku serves: two attempts, one row.
        const { data, response } = await client.chat.completions.create({ model: 'failover', messages }).withResponse();
        seen.set(response.headers.get('x-request-id')!, { input: data.usage!.prompt_tokens, output: data.usage!.completion_tokens, status: 200 });
      });
      jobs.push(async () => {
        const response = await fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":' });
        await response.text();
        seen.set(response.headers.get('x-request-id')!, { input: 0, output: 0, status: response.status });
      });
    }
    await Promise.all(jobs.map((job) => job()));
    expect(seen.size).toBe(40);
    expect(await harness.junction.ledger.count()).toBe(before + 40);

    const rows = new Map((await harness.junction.ledger.query({ limit: 1000 })).map((row) => [row.requestId, row]));
    for (const [requestId, expected] of seen) {
      const row = rows.get(requestId)!;
      expect(row, requestId).toBeDefined();
      expect(row.status).toBe(expected.status);
      if (expected.status !== 200) {
        expect(row.errorCode).toBe('invalid_json');
        continue;
      }
      expect(row.inputTokens).toBe(expected.input);
      expect(row.outputTokens).toBe(expected.output);
      const prices = row.deployment === 'openai-mini' ? PRICES['gpt-4o-mini'] : PRICES['claude-haiku'];
      expect(row.costUsd).toBeCloseTo(costOf({ inputTokens: expected.input, outputTokens: expected.output }, { inputPerMillion: prices.input, outputPerMillion: prices.output }), 12);
    }
  });
});

describe('ledger: SIGTERM under load', () => {
  let simulator: Simulator;
  beforeAll(async () => {
    simulator = await startSimulator({ defaults: { latencyMs: { p50: 40, p99: 40 }, tokensPerSecond: 400, replyTokens: 12 } });
  });
  afterAll(() => simulator.close());

  it('finishes in-flight requests, flushes every row, and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-sigterm-'));
    const dbPath = join(dir, 'ledger.db');
    writeFileSync(
      join(dir, 'junction.yaml'),
      `server: { host: 127.0.0.1, port: 4000, shutdownGraceMs: 10000 }
logging: { level: silent }
ledger: { kind: sqlite, path: ledger.db, flushIntervalMs: 1000 }
providers:
  sim: { kind: openai, baseUrl: "${simulator.url}/v1", apiKey: k }
deployments:
  mini: { provider: sim, model: gpt-4o-mini, pricing: { input: 0.15, output: 0.6 }, contextWindow: 128000 }
routes:
  chat: { deployments: [mini] }
`,
    );
    const { child, exited, match } = await spawnJunction(['serve', '-c', join(dir, 'junction.yaml'), '--port', '0'], /listening on (http:\/\/\S+)/);
    const url = match[1];

    const answered = new Map<string, number>();
    let refused = 0;
    let stopAt = 60;
    const fire = async (stream: boolean): Promise<void> => {
      try {
        const response = await fetch(`${url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], stream, stream_options: stream ? { include_usage: true } : undefined }),
        });
        const text = await response.text();
        if (response.status === 200 && stream) expect(text).toContain('[DONE]');
        answered.set(response.headers.get('x-request-id')!, response.status);
      } catch {
        refused += 1; // the listener is closed: the request never reached Junction
      }
    };
    const workers = Array.from({ length: 16 }, async (_, worker) => {
      for (let i = 0; refused === 0 && i < 200; i += 1) {
        await fire((worker + i) % 3 === 0);
        if (answered.size >= stopAt && stopAt > 0) {
          stopAt = 0;
          child.kill('SIGTERM');
        }
      }
    });
    await Promise.all(workers);
    expect(await exited).toBe(0);

    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare('select request_id as id, status, output_tokens as output, cost_usd as cost from requests').all() as Array<{ id: string; status: number; output: number; cost: number }>;
    db.close();
    expect(answered.size).toBeGreaterThanOrEqual(60);
    expect(rows.length).toBe(answered.size);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const [id, status] of answered) {
      expect(byId.get(id)?.status, id).toBe(status);
      if (status === 200) {
        expect(byId.get(id)!.output).toBeGreaterThan(0);
        expect(byId.get(id)!.cost).toBeGreaterThan(0);
      } else {
        expect(status).toBe(503);
      }
    }
  });
});
