/**
 * Bodies built to hurt rather than by mistake, over real HTTP: nesting deep enough to exhaust
 * the stack of any recursive walk, values of megabytes where a short string belongs, and model
 * names that cannot be echoed as they are. Each gets a 4xx in the caller's own error shape
 * that names the problem without repeating the input, and none reaches an upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/wire/json-depth';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

async function post(path: string, body: string) {
  const response = await fetch(harness.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as any };
}

const deepArray = (levels: number) => '['.repeat(levels) + '1' + ']'.repeat(levels);
const deepObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const user = '[{"role":"user","content":"hi"}]';

describe('nesting depth', () => {
  // [endpoint, what is deep, body]
  const cases: Array<[string, string, string]> = [
    ['/v1/chat/completions', 'a message role', `{"model":"to-openai","messages":[{"role":${deepArray(5_000)},"content":"hi"}]}`],
    ['/v1/chat/completions', 'a tool type', `{"model":"to-openai","messages":${user},"tools":[{"type":${deepArray(5_000)}}]}`],
    [
      '/v1/chat/completions',
      'a json_schema response format',
      `{"model":"to-openai","messages":${user},"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":${deepObject(5_000)}}}}`,
    ],
    ['/v1/messages', 'a message role', `{"model":"to-anthropic","max_tokens":5,"messages":[{"role":${deepArray(5_000)},"content":"hi"}]}`],
    [
      '/v1/messages',
      'a tool_use input',
      `{"model":"to-anthropic","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":${deepObject(5_000)}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"ok"}]}]}`,
    ],
    ['/v1/embeddings', 'the input', `{"model":"embeddings","input":${deepArray(5_000)}}`],
    ['/v1/routing/decision', 'a message role', `{"model":"to-openai","messages":[{"role":${deepArray(5_000)},"content":"hi"}]}`],
    ['/v1/chat/completions', 'the body, which is not even valid JSON', `{"model":"to-openai","messages":${'['.repeat(5_000)}`],
  ];

  it.each(cases)('%s: 5,000 levels in %s → 400 naming the limit, before any other check', async (path, _what, body) => {
    const before = harness.simulator.stats().requests;
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-junction-error-code')).toBe('invalid_request');
    if (path === '/v1/messages') expect(response.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    else expect(response.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request' });
    expect(response.json.error.message).toContain(`${MAX_JSON_DEPTH} levels`);
    expect(harness.simulator.stats().requests).toBe(before);
  });

  it('serves a body nested exactly to the limit, and refuses one level more', async () => {
    // The body's own levels (object, tools, tool, function) plus a schema making up the rest.
    const withSchema = (levels: number) =>
      `{"model":"to-openai","messages":${user},"tools":[{"type":"function","function":{"name":"f","parameters":${deepObject(levels)}}}]}`;
    expect((await post('/v1/chat/completions', withSchema(MAX_JSON_DEPTH - 4))).status).toBe(200);
    expect((await post('/v1/chat/completions', withSchema(MAX_JSON_DEPTH - 3))).status).toBe(400);
  });
});

describe('model names that are no route', () => {
  // Raw JSON string literals, so a lone surrogate can be sent as the caller would.
  const names: Array<[string, string]> = [
    ['an emoji', JSON.stringify('x😀')],
    ['NUL', JSON.stringify('x\u0000y')],
    ['CR LF and a header', JSON.stringify('x\r\nSet-Cookie: a=b')],
    ['a lone surrogate', '"x\\ud800"'],
    ['200 KB', JSON.stringify('m'.repeat(200_000))],
  ];
  const bodies: Array<[string, (model: string) => string]> = [
    ['/v1/chat/completions', (model) => `{"model":${model},"messages":${user}}`],
    ['/v1/chat/completions', (model) => `{"model":${model},"messages":${user},"stream":true}`],
    ['/v1/messages', (model) => `{"model":${model},"max_tokens":5,"messages":${user}}`],
    ['/v1/messages', (model) => `{"model":${model},"max_tokens":5,"messages":${user},"stream":true}`],
    ['/v1/embeddings', (model) => `{"model":${model},"input":"hi"}`],
    ['/v1/routing/decision', (model) => `{"model":${model},"messages":${user}}`],
  ];
  const cases = names.flatMap(([name, model]) => bodies.map(([path, body]) => [name, path, body(model)] as const));

  it.each(cases)('%s on %s → 404 in the caller shape, the name cut and escaped, no route header', async (_name, path, body) => {
    const response = await post(path, body);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-junction-error-code')).toBe('model_not_found');
    expect(response.headers.get('x-junction-route')).toBeNull();
    if (path === '/v1/messages') expect(response.json).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    else expect(response.json.error).toMatchObject({ type: 'invalid_request_error', code: 'model_not_found', param: 'model' });
    expect(response.json.error.message).toMatch(/^The model 'x?[ -~]*…?' does not exist/);
    expect(response.text.length).toBeLessThan(1_000);
  });

  it('share one metrics label and are capped and escaped in the ledger', async () => {
    const metricsSize = async () => (await (await fetch(`${harness.url}/metrics`)).text()).length;
    await post('/v1/chat/completions', `{"model":"warm-up-name","messages":${user}}`);
    const before = await metricsSize();
    for (let index = 0; index < 200; index += 1) {
      await post('/v1/chat/completions', `{"model":"unknown-${index}-${'z'.repeat(1_000)}","messages":${user}}`);
    }
    const metrics = await (await fetch(`${harness.url}/metrics`)).text();
    // Process metrics move a little between scrapes; 200 names of 1 KB each would add megabytes.
    expect(metrics.length).toBeLessThan(before * 1.1);
    const routeLabels = new Set([...metrics.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    expect([...routeLabels].filter((label) => !harness.junction.services.catalog.routes.has(label))).toEqual(['(unknown)']);

    await harness.junction.ledger.flush();
    const rows = (await harness.junction.ledger.query({ limit: 1_000 })).filter((row) => row.errorCode === 'model_not_found');
    expect(rows.length).toBeGreaterThan(200);
    for (const row of rows) {
      expect(row.route).toMatch(/^[ -~]{1,128}…?$/);
    }
    expect(rows.map((row) => row.route)).toContain('x\\u000d\\u000aSet-Cookie: a=b');
  });
});

describe('megabytes where a short value belongs', () => {
  it.each([
    ['/v1/chat/completions', 'an object as a role', `{"model":"to-openai","messages":[{"role":{"a":"${'x'.repeat(1_000_000)}"},"content":"hi"}]}`, 'messages[0].role'],
    ['/v1/chat/completions', 'a megabyte tool_choice name', `{"model":"to-openai","messages":${user},"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"${'n'.repeat(1_000_000)}"}}}`, 'tool_choice'],
    ['/v1/messages', 'an array as a role', `{"model":"to-anthropic","max_tokens":5,"messages":[{"role":["${'x'.repeat(1_000_000)}"],"content":"hi"}]}`, 'messages[0].role'],
  ])('%s: %s → 400 naming the field in a short message', async (path, _what, body, field) => {
    const response = await post(path, body);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain(field);
    expect(response.text.length).toBeLessThan(1_000);
  });
});
