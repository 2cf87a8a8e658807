import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isJunctionError } from '../../errors';
import type { ChatRequest } from '../../canonical/types';
import { runProviderAdapterSuite } from '../../../test/conformance/provider-adapter.suite';
import { createOpenAIFixtures, openaiTarget } from './__fixtures__/openai-fixtures';
import { createOpenAIAdapter, openaiAdapter } from './openai-adapter';

const snapshotDir = fileURLToPath(new URL('./__snapshots__', import.meta.url));

runProviderAdapterSuite('openai', openaiAdapter, createOpenAIFixtures(openaiTarget, snapshotDir));

const hello: ChatRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], stream: false };
const withoutKey = { ...openaiTarget, provider: { ...openaiTarget.provider, apiKey: undefined, headers: {} } };

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('openai adapter', () => {
  it('posts to /chat/completions with bearer auth, JSON content type and the provider headers', () => {
    const upstream = openaiAdapter.chatRequest(hello, openaiTarget);
    expect(upstream).toMatchObject({ method: 'POST', path: '/chat/completions' });
    expect(upstream.headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer sk-test-0123456789abcdef',
      'openai-organization': 'org-TestOrg0001',
    });
  });

  it('sends no authorization header when the provider has no key', () => {
    expect(openaiAdapter.chatRequest(hello, withoutKey).headers).not.toHaveProperty('authorization');
  });

  it('lets provider headers replace the default auth header', () => {
    const target = { ...openaiTarget, provider: { ...openaiTarget.provider, headers: { authorization: 'Token other' } } };
    expect(openaiAdapter.chatRequest(hello, target).headers.authorization).toBe('Token other');
  });

  it('uses the deployment model id, not the route name', () => {
    expect(JSON.parse(openaiAdapter.chatRequest(hello, openaiTarget).body).model).toBe('gpt-4o-2024-08-06');
  });

  it.each([
    { option: undefined, field: 'max_completion_tokens', absent: 'max_tokens' },
    { option: 'max_tokens' as const, field: 'max_tokens', absent: 'max_completion_tokens' },
  ])('puts the token limit in $field', ({ option, field, absent }) => {
    const adapter = createOpenAIAdapter({ maxTokensField: option });
    const body = JSON.parse(adapter.chatRequest({ ...hello, maxTokens: 100 }, openaiTarget).body);
    expect(body[field]).toBe(100);
    expect(body).not.toHaveProperty(absent);
  });

  it('posts embeddings to /embeddings', () => {
    const upstream = openaiAdapter.embeddingRequest!({ model: 'embed', input: ['a'] }, openaiTarget);
    expect(upstream.path).toBe('/embeddings');
    expect(JSON.parse(upstream.body)).toEqual({ model: 'gpt-4o-2024-08-06', input: ['a'], encoding_format: 'float' });
  });

  it('has no embeddings methods when the upstream serves none', () => {
    const adapter = createOpenAIAdapter({ embeddings: false });
    expect(adapter.embeddingRequest).toBeUndefined();
    expect(adapter.parseEmbeddingResponse).toBeUndefined();
  });

  it('rejects an embeddings body of the wrong shape', () => {
    const error = thrown(() => openaiAdapter.parseEmbeddingResponse!({ data: [{ index: 0 }] }, openaiTarget));
    expect(isJunctionError(error) && error.code).toBe('upstream_bad_response');
  });

  it('names the wrong field in an upstream_bad_response message', () => {
    const error = thrown(() => openaiAdapter.parseChatResponse({ id: 'x', created: 1, model: 'm', choices: [{}], usage: { prompt_tokens: 1, completion_tokens: 1 } }, openaiTarget));
    expect(isJunctionError(error) && error.message).toContain('choices[0].message');
  });

  it.each([
    { name: 'server error', error: { message: 'Provider returned error', code: 502 }, code: 'upstream_server_error' },
    { name: 'rate limit', error: { message: 'Rate limit exceeded', code: 429 }, code: 'upstream_rate_limited' },
  ])('turns a 2xx body carrying an error ($name) into the classified error', ({ error, code }) => {
    const caught = thrown(() => openaiAdapter.parseChatResponse({ error }, openaiTarget));
    expect(isJunctionError(caught) && caught.code).toBe(code);
    expect((caught as Error).message).toContain(error.message);
  });

  it('reports the label and the upstream message in errors', () => {
    const adapter = createOpenAIAdapter({ label: 'vLLM' });
    const error = adapter.parseError(400, '{"object":"error","message":"bad temperature","type":"BadRequestError","param":"temperature","code":400}', {});
    expect(error.message).toBe('vLLM answered 400: bad temperature');
    expect(error.param).toBe('temperature');
  });
});
