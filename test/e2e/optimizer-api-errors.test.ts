/**
 * The cost-optimiser API's refusals over real HTTP: a bad prompt or query value is a 400 that
 * names the field (and a bad /complete body still gets its ledger row), every deployment down
 * is a 503, and with keys each endpoint needs its scope (`chat` for /complete, `routing:read`
 * for the reads). All in the OpenAI error shape with a stable `error.code`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKey } from '../../src/access/keys';
import { MAX_PROMPT_CHARS } from '../../src/operations/optimizer/inputs';
import type { Harness } from '../support/harness';
import { AUTO_MODELS, call, optimizerHarness, postJson, type Answer } from '../support/optimizer';

let harness: Harness;
beforeAll(async () => {
  harness = await optimizerHarness();
});
afterEach(() => harness.reset());
afterAll(() => harness.close());

function expectRefused(answer: Answer, status: number, code: string, mentions?: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('x-junction-error-code')).toBe(code);
  expect(answer.body.error).toMatchObject({ code, type: expect.any(String), message: expect.any(String) });
  if (mentions !== undefined) expect(answer.body.error.message).toContain(mentions);
}

describe('400 for a bad /complete body, naming the field', () => {
  it.each([
    { case: 'no prompt', body: { max_tokens: 5 }, param: 'prompt', says: 'missing' },
    { case: 'a null prompt', body: { prompt: null }, param: 'prompt', says: 'missing' },
    { case: 'an empty prompt', body: { prompt: '' }, param: 'prompt', says: 'empty' },
    { case: 'a prompt of white space', body: { prompt: ' \n\t ' }, param: 'prompt', says: 'empty' },
    { case: 'a prompt that is not text', body: { prompt: ['hi'] }, param: 'prompt', says: 'an array' },
    { case: 'a prompt that is too long', body: { prompt: 'a'.repeat(MAX_PROMPT_CHARS + 1) }, param: 'prompt', says: `at most ${MAX_PROMPT_CHARS}` },
    { case: 'max_tokens of zero', body: { prompt: 'hi', max_tokens: 0 }, param: 'max_tokens', says: 'whole number' },
    { case: 'fractional max_tokens', body: { prompt: 'hi', max_tokens: 1.5 }, param: 'max_tokens', says: '1.5' },
    { case: 'auto_route as text', body: { prompt: 'hi', auto_route: 'yes' }, param: 'auto_route', says: 'true or false' },
    { case: 'an unknown tokenizer', body: { prompt: 'hi', tokenizer_id: 'cl100k' }, param: 'tokenizer_id', says: 'o200k_base' },
    { case: 'an unknown field', body: { prompt: 'hi', temperature: 2 }, param: 'temperature', says: 'unknown field' },
    { case: 'a body that is no object', body: ['hi'], param: null, says: 'JSON object' },
  ])('$case', async ({ body, param, says }) => {
    const before = await harness.junction.ledger.count();
    const answer = await postJson(`${harness.url}/complete`, body);
    expectRefused(answer, 400, 'invalid_request', says);
    expect(answer.body.error.param).toBe(param);
    if (param !== null) expect(answer.body.error.message.startsWith(`${param}:`)).toBe(true);
    // Refused before routing, yet ledgered like any chat request, and no upstream was called.
    const [row] = await harness.junction.ledger.query({ limit: 1 });
    expect(await harness.junction.ledger.count()).toBe(before + 1);
    expect(row).toMatchObject({ route: 'auto', status: 400, errorCode: 'invalid_request', attempts: [] });
  });

  it.each([
    ['not JSON', '{"prompt": ', 400, 'invalid_json'],
    ['empty', '', 400, 'invalid_json'],
    ['over the body limit', JSON.stringify({ prompt: 'a'.repeat(4 * 1024 * 1024) }), 413, 'body_too_large'],
  ])('a body that is %s, ledgered too', async (_case, body, status, code) => {
    const before = await harness.junction.ledger.count();
    expectRefused(await postJson(`${harness.url}/complete`, body), status, code);
    expect(await harness.junction.ledger.count()).toBe(before + 1);
    const [row] = await harness.junction.ledger.query({ limit: 1 });
    expect(row).toMatchObject({ route: 'auto', status, errorCode: code, attempts: [] });
  });
});

describe('400 for bad query values', () => {
  it.each([
    ['/recommendation', 'prompt'],
    ['/recommendation?prompt=', 'prompt'],
    ['/recommendation?prompt=%20%20', 'prompt'],
    ['/recommendation?prompt=a&prompt=b', 'prompt'],
    ['/routing/decision', 'prompt'],
    ['/routing/decision?prompt=hi&auto_route=maybe', 'auto_route'],
    ['/routing/metrics?days=0', 'days'],
    ['/routing/metrics?days=abc', 'days'],
    ['/routing/metrics?days=1.5', 'days'],
    ['/routing/metrics?days=367', 'days'],
  ])('GET %s names %s', async (path, param) => {
    const answer = await call(harness.url + path);
    expectRefused(answer, 400, 'invalid_request', `${param}:`);
    expect(answer.body.error.param).toBe(param);
  });
});

describe('503 when every deployment is down', () => {
  it('POST /complete answers all_deployments_failed, listing each attempt, and ledgers it', async () => {
    for (const model of AUTO_MODELS) harness.simulator.setBehaviour(model, { down: true });
    const answer = await postJson(`${harness.url}/complete`, { prompt: 'What is the capital of France?' });
    expectRefused(answer, 503, 'all_deployments_failed');
    const [row] = await harness.junction.ledger.query({ limit: 1 });
    expect(row).toMatchObject({ route: 'auto', status: 503, errorCode: 'all_deployments_failed' });
    expect(new Set(row.attempts.map((attempt) => attempt.deployment))).toEqual(new Set(['auto-cheap', 'auto-mid', 'auto-strong']));
    expect(row.auto).toMatchObject({ mode: 'complexity' });
  });
});

describe('with keys, each endpoint needs its scope', () => {
  const reader = generateKey();
  const chatter = generateKey();
  let keyed: Harness;
  beforeAll(async () => {
    keyed = await optimizerHarness({
      auth: {
        mode: 'keys',
        keys: [
          { id: 'reader', hash: reader.hash, scopes: ['routing:read'] },
          { id: 'chatter', hash: chatter.hash, scopes: ['chat'] },
        ],
      },
    });
  });
  afterAll(() => keyed.close());

  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const READS = ['/recommendation?prompt=hi', '/routing/decision?prompt=hi', '/routing/metrics', '/stats', '/providers', '/cache/stats'];

  it('POST /complete needs chat: no key is a 401, a read-only key a 403, both before the body is judged', async () => {
    expectRefused(await postJson(`${keyed.url}/complete`, { prompt: 'hi' }), 401, 'missing_api_key');
    expect((await keyed.junction.ledger.query({ limit: 1 }))[0]).toMatchObject({ route: 'auto', status: 401, errorCode: 'missing_api_key' });
    expectRefused(await postJson(`${keyed.url}/complete`, { prompt: '' }, bearer(reader.key)), 403, 'permission_denied', "'chat'");
    const answered = await postJson(`${keyed.url}/complete`, { prompt: 'hi' }, bearer(chatter.key));
    expect(answered.status).toBe(200);
    const [row] = await keyed.junction.ledger.query({ limit: 1 });
    expect(row).toMatchObject({ principal: 'chatter', route: 'auto', status: 200 });
  });

  it.each(READS)('GET %s needs routing:read', async (path) => {
    expectRefused(await call(keyed.url + path), 401, 'missing_api_key');
    expectRefused(await call(keyed.url + path, { headers: bearer(chatter.key) }), 403, 'permission_denied', "'routing:read'");
    expect((await call(keyed.url + path, { headers: bearer(reader.key) })).status).toBe(200);
  });
});
