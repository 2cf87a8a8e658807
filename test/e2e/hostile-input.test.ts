/**
 * Bodies built to hurt rather than by mistake, over real HTTP: nesting deep enough to exhaust
 * the stack of any recursive walk, values of megabytes where a short string belongs, and model
 * names that cannot be echoed as they are. Each gets a 4xx in the caller's own error shape
 * that names the problem without repeating the input, and none reaches an upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/json-depth';
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
