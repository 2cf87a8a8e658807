/**
 * A request whose own content cannot be turned into an upstream request (here a `$ref` with a
 * malformed percent escape, which only the Gemini conversion decodes) is the caller's error: a
 * 400 before any upstream call, whole or streamed, and never a failure of the deployment. Twenty
 * of them once counted as connection failures and opened Gemini's breaker for everyone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(() => harness.close());

const post = (body: unknown) => fetch(`${harness.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const badRef = (stream: boolean) => ({
  model: 'to-gemini',
  stream,
  messages: [{ role: 'user', content: 'look it up' }],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: { q: { $ref: '#/$defs/%E0%A4%A' } }, $defs: {} } } }],
});

describe('a request the adapter cannot build', () => {
  it('is a 400 invalid_request every time, calls no upstream, and leaves the deployment healthy', async () => {
    const before = harness.simulator.stats().requests;
    for (let index = 0; index < 24; index += 1) {
      const response = await post(badRef(index % 2 === 1));
      expect(response.status).toBe(400);
      expect(response.headers.get('x-junction-error-code')).toBe('invalid_request');
      const body = (await response.json()) as { error: { message: string } };
      expect(body.error.message).toContain('gemini-flash');
    }
    expect(harness.simulator.stats().requests).toBe(before);
    const health = harness.junction.services.store.snapshot('gemini-flash', Date.now());
    expect(health).toMatchObject({ consecutiveFailures: 0, breaker: { status: 'closed' } });

    const healthy = await post({ model: 'to-gemini', messages: [{ role: 'user', content: 'hello' }] });
    expect(healthy.status).toBe(200);
  });
});
