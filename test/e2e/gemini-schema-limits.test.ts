/**
 * A tool schema whose `$ref`s expand exponentially (2 KB that once became a 62 MB, 16 M-token
 * Gemini request and took 17 s to build) is refused in the caller's own error shape before any
 * upstream call, and does not count against the Gemini deployment's health.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { doublingSchema } from '../../src/providers/gemini/__fixtures__/expanding-schemas';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterEach(() => harness.reset());
afterAll(() => harness.close());

const post = (path: string, body: unknown) => fetch(harness.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const geminiHealth = async () => {
  const status = (await (await fetch(`${harness.url}/v1/providers`)).json()) as { data: Array<{ deployment: string; consecutiveFailures: number; breaker: { status: string } }> };
  return status.data.find((row) => row.deployment === 'gemini-flash');
};

describe('a Gemini tool schema too large once its $refs are inlined', () => {
  it('is a 400 in the OpenAI error shape naming the tool, and Gemini is never called', async () => {
    const before = harness.simulator.stats().requests;
    const response = await post('/v1/chat/completions', {
      model: 'to-gemini',
      messages: [{ role: 'user', content: 'find it' }],
      tools: [
        { type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } } },
        { type: 'function', function: { name: 'search', parameters: doublingSchema(21) } },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-junction-error-code')).toBe('invalid_request');
    const body = (await response.json()) as { error: { type: string; code: string; param: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'tools[1]' });
    expect(body.error.message).toContain("tools[1] ('search')");
    expect(body.error.message.length).toBeLessThan(400);
    expect(harness.simulator.stats().requests).toBe(before);
    expect(await geminiHealth()).toMatchObject({ consecutiveFailures: 0, breaker: { status: 'closed' } });
  });

  it('is a 400 in the Anthropic error shape for an Anthropic caller', async () => {
    const before = harness.simulator.stats().requests;
    const response = await post('/v1/messages', {
      model: 'to-gemini',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'find it' }],
      tools: [{ name: 'search', input_schema: doublingSchema(21) }],
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(body.error.message).toContain("tools[0] ('search')");
    expect(harness.simulator.stats().requests).toBe(before);
  });

  it('still lets a tool that uses its definitions a few times through, converted in full', async () => {
    const response = await post('/v1/chat/completions', {
      model: 'to-gemini',
      messages: [{ role: 'user', content: 'find it' }],
      tools: [{ type: 'function', function: { name: 'search', parameters: doublingSchema(6) } }],
      tool_choice: 'required',
    });
    expect(response.status).toBe(200);
    const sent = harness.simulator.received().at(-1)?.body as { tools: Array<{ functionDeclarations: Array<{ parameters: unknown }> }> };
    expect(JSON.stringify(sent.tools[0].functionDeclarations[0].parameters).match(/STRING/g)).toHaveLength(2 ** 6);
  });
});
