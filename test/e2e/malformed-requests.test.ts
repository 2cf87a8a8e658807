/**
 * Bad input over real HTTP: every malformed request gets a 4xx in the caller's own error shape
 * that names what is wrong, and never reaches an upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
const BODY_LIMIT = 64 * 1024;

beforeAll(async () => {
  harness = await startHarness({ bodyLimitBytes: BODY_LIMIT });
});
afterAll(() => harness.close());

async function post(path: string, body: string, contentType = 'application/json') {
  const response = await fetch(harness.url + path, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, json: (await response.json()) as any };
}

const user = [{ role: 'user', content: 'hi' }];
const json = (value: unknown) => JSON.stringify(value);

// [name, raw body, expected status, text the error must name (field path or problem)]
const openaiCases: Array<[string, string, number, string]> = [
  ['invalid JSON', '{"model": "to-openai", "messages": [', 400, 'JSON'],
  ['empty body', '', 400, 'empty'],
  ['JSON array body', json([1, 2]), 400, 'object'],
  ['JSON null body', 'null', 400, 'object'],
  ['JSON string body', json('hello'), 400, 'object'],
  ['missing messages', json({ model: 'to-openai' }), 400, 'messages'],
  ['messages not an array', json({ model: 'to-openai', messages: 'hi' }), 400, 'messages'],
  ['empty messages', json({ model: 'to-openai', messages: [] }), 400, 'messages'],
  ['missing model', json({ messages: user }), 400, 'model'],
  ['model not a string', json({ model: 42, messages: user }), 400, 'model'],
  ['unknown role', json({ model: 'to-openai', messages: [{ role: 'wizard', content: 'hi' }] }), 400, 'messages[0].role'],
  ['message not an object', json({ model: 'to-openai', messages: ['hi'] }), 400, 'messages[0]'],
  ['content a number', json({ model: 'to-openai', messages: [{ role: 'user', content: 5 }] }), 400, 'messages[0].content'],
  ['bad content part type', json({ model: 'to-openai', messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }), 400, 'messages[0].content'],
  ['image part without url', json({ model: 'to-openai', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: {} }] }] }), 400, 'messages[0].content[0]'],
  ['tool message without tool_call_id', json({ model: 'to-openai', messages: [{ role: 'tool', content: 'x' }] }), 400, 'messages[0]'],
  ['temperature a string', json({ model: 'to-openai', messages: user, temperature: 'hot' }), 400, 'temperature'],
  ['temperature out of range', json({ model: 'to-openai', messages: user, temperature: 7 }), 400, 'temperature'],
  ['max_tokens negative', json({ model: 'to-openai', messages: user, max_tokens: -5 }), 400, 'max_tokens'],
  ['stream not a boolean', json({ model: 'to-openai', messages: user, stream: 'yes' }), 400, 'stream'],
  ['tools not an array', json({ model: 'to-openai', messages: user, tools: { name: 'x' } }), 400, 'tools'],
  ['tool without function name', json({ model: 'to-openai', messages: user, tools: [{ type: 'function', function: {} }] }), 400, 'tools[0]'],
  ['bad tool_choice', json({ model: 'to-openai', messages: user, tool_choice: 'sometimes' }), 400, 'tool_choice'],
  ['n greater than 1', json({ model: 'to-openai', messages: user, n: 3 }), 400, 'n'],
  ['bad response_format', json({ model: 'to-openai', messages: user, response_format: { type: 'xml' } }), 400, 'response_format'],
  ['stop of numbers', json({ model: 'to-openai', messages: user, stop: [1, 2] }), 400, 'stop'],
  ['unknown route', json({ model: 'no-such-model', messages: user }), 404, 'no-such-model'],
  ['body over the limit', json({ model: 'to-openai', messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT) }] }), 413, 'larger'],
];

describe('OpenAI format: malformed requests', () => {
  it.each(openaiCases)('%s → %i naming %s', async (_name, body, status, named) => {
    const before = harness.simulator.stats().requests;
    const response = await post('/v1/chat/completions', body);
    expect(response.status).toBe(status);
    expect(response.json.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: expect.any(String) });
    const text = `${response.json.error.param ?? ''} ${response.json.error.message}`;
    expect(text).toContain(named);
    expect(harness.simulator.stats().requests).toBe(before);
  });

  it('rejects bad embeddings input naming the field', async () => {
    const response = await post('/v1/embeddings', json({ model: 'embeddings', input: 42 }));
    expect(response.status).toBe(400);
    expect(`${response.json.error.param} ${response.json.error.message}`).toContain('input');
  });

  it('answers an unknown path with a 404 in OpenAI shape', async () => {
    const response = await post('/v1/nothing-here', '{}');
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('endpoint_not_found');
  });
});

const anthropicCases: Array<[string, string, number, string]> = [
  ['invalid JSON', '{"model": ', 400, 'JSON'],
  ['missing max_tokens', json({ model: 'to-anthropic', messages: user }), 400, 'max_tokens'],
  ['max_tokens zero', json({ model: 'to-anthropic', max_tokens: 0, messages: user }), 400, 'max_tokens'],
  ['missing messages', json({ model: 'to-anthropic', max_tokens: 10 }), 400, 'messages'],
  ['unknown role', json({ model: 'to-anthropic', max_tokens: 10, messages: [{ role: 'robot', content: 'x' }] }), 400, 'messages[0].role'],
  ['tool_result content a number', json({ model: 'to-anthropic', max_tokens: 10, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 5 }] }] }), 400, 'messages[0].content[0]'],
  ['content block without type', json({ model: 'to-anthropic', max_tokens: 10, messages: [{ role: 'user', content: [{ text: 'x' }] }] }), 400, 'messages[0].content'],
  ['tool without input_schema', json({ model: 'to-anthropic', max_tokens: 10, messages: user, tools: [{ name: 'x' }] }), 400, 'tools[0]'],
  ['bad tool_choice type', json({ model: 'to-anthropic', max_tokens: 10, messages: user, tool_choice: { type: 'maybe' } }), 400, 'tool_choice'],
  ['temperature above 1', json({ model: 'to-anthropic', max_tokens: 10, messages: user, temperature: 1.5 }), 400, 'temperature'],
  ['system a number', json({ model: 'to-anthropic', max_tokens: 10, messages: user, system: 7 }), 400, 'system'],
  ['unknown route', json({ model: 'nope', max_tokens: 10, messages: user }), 404, 'nope'],
];

describe('Anthropic format: malformed requests', () => {
  it.each(anthropicCases)('%s → %i naming %s', async (_name, body, status, named) => {
    const response = await post('/v1/messages', body);
    expect(response.status).toBe(status);
    expect(response.json.type).toBe('error');
    expect(response.json.error.type).toMatch(/_error$|request_too_large/);
    expect(response.json.error.message).toContain(named);
  });
});
