/**
 * Speech under virtual keys: it needs the `chat` scope, its ledger row names the key, and a
 * budget counts its characters at the deployment's price per character.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { startHarness, type Harness } from '../support/harness';
import { speechDeployment } from '../support/speech';

let harness: Harness;
const full = generateKey();
const embeddingsOnly = generateKey();
const thrifty = generateKey();

beforeAll(async () => {
  harness = await startHarness({
    models: { 'tts-1': { latencyMs: { p50: 2, p99: 4 } } },
    deployments: { tts: speechDeployment('tts-1', 15, { voices: ['alloy'] }) },
    routes: { tts: { deployments: ['tts'] } },
    auth: {
      mode: 'keys',
      keys: [
        { id: 'full', hash: full.hash },
        { id: 'embeddings-only', hash: embeddingsOnly.hash, scopes: ['embeddings'] },
        // 100 characters at $15 per 1M is $0.0015: more than this budget.
        { id: 'thrifty', hash: thrifty.hash, budgets: [{ usd: 0.001, period: 'day' }] },
      ],
    },
  });
});
afterAll(() => harness?.close());

const speak = (apiKey: string, input: string) =>
  new OpenAI({ baseURL: `${harness.url}/v1`, apiKey, maxRetries: 0 }).audio.speech.create({ model: 'tts', voice: 'alloy', input, response_format: 'wav' });

describe('speech with virtual keys', () => {
  it('a key with the chat scope speaks; its ledger row names the key', async () => {
    const response = await speak(full.key, 'Scoped and spoken.');
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const rows = await harness.junction.ledger.query({ limit: 50 });
    expect(rows.find((row) => row.requestId === response.headers.get('x-request-id'))).toMatchObject({ principal: 'full', endpoint: 'speech', inputTokens: 18 });
  });

  it('a key without the chat scope: 403 permission_denied', async () => {
    await expect(speak(embeddingsOnly.key, 'Not for you.')).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
  });

  it('a budget counts the characters: a text that would cost more than is left is refused', async () => {
    await expect(speak(thrifty.key, 'x'.repeat(100))).rejects.toMatchObject({ status: 429, code: 'budget_exceeded' });
    expect((await speak(thrifty.key, 'Short is fine.')).headers.get('content-type')).toBe('audio/wav');
  });
});
