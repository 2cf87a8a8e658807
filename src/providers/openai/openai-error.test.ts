import { describe, expect, it } from 'vitest';
import { openAIErrorFromBody, parseOpenAIError } from './openai-error';

describe('parseOpenAIError', () => {
  it.each([
    { status: 400, code: 'upstream_bad_request' },
    { status: 401, code: 'upstream_auth' },
    { status: 402, code: 'upstream_auth' },
    { status: 403, code: 'upstream_auth' },
    { status: 404, code: 'upstream_bad_request' },
    { status: 408, code: 'upstream_timeout' },
    { status: 413, code: 'upstream_bad_request' },
    { status: 422, code: 'upstream_bad_request' },
    { status: 429, code: 'upstream_rate_limited' },
    { status: 500, code: 'upstream_server_error' },
    { status: 502, code: 'upstream_server_error' },
    { status: 503, code: 'upstream_overloaded' },
    { status: 504, code: 'upstream_server_error' },
    { status: 529, code: 'upstream_overloaded' },
  ])('classifies $status with a non-JSON body as $code', ({ status, code }) => {
    const error = parseOpenAIError('OpenAI', status, 'upstream failure', {});
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
  });

  it.each([
    { name: 'OpenAI code', body: { error: { message: 'too long', code: 'context_length_exceeded' } } },
    { name: 'llama.cpp type', body: { error: { message: 'too long', type: 'exceed_context_size_error', code: 400 } } },
    { name: 'vLLM message', body: { error: { message: "the model's context length is only 1024 tokens", type: 'BadRequestError', code: 400 } } },
    { name: 'bare string error', body: { error: 'prompt exceeds the context window' } },
  ])('detects context length from the $name', ({ body }) => {
    expect(parseOpenAIError('X', 400, JSON.stringify(body), {}).code).toBe('context_length_exceeded');
  });

  it('does not call an unrelated 400 a context-length error', () => {
    expect(parseOpenAIError('X', 400, JSON.stringify({ error: { message: 'temperature must be <= 2' } }), {}).code).toBe('upstream_bad_request');
  });

  it('keeps a short excerpt of a non-JSON body as the message', () => {
    const error = parseOpenAIError('OpenAI', 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', {});
    expect(error.message).toBe('OpenAI answered 502: 502 Bad Gateway');
  });

  it('reads Retry-After only for answers that ask the caller to wait', () => {
    expect(parseOpenAIError('X', 429, '', { 'retry-after': '2' }).retryAfterMs).toBe(2000);
    expect(parseOpenAIError('X', 500, '', { 'retry-after': '2' }).retryAfterMs).toBeUndefined();
  });
});

describe('openAIErrorFromBody', () => {
  it.each([
    { detail: { code: 503, message: 'down' }, code: 'upstream_overloaded' },
    { detail: { code: 'rate_limit_exceeded', message: 'slow down' }, code: 'upstream_rate_limited' },
    { detail: { type: 'authentication_error', message: 'bad key' }, code: 'upstream_auth' },
    { detail: { type: 'invalid_request_error', message: 'bad field' }, code: 'upstream_bad_request' },
    { detail: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'too long' }, code: 'context_length_exceeded' },
    { detail: { type: 'server_error', code: null, message: 'oops' }, code: 'upstream_server_error' },
    { detail: { message: 'no hints at all' }, code: 'upstream_server_error' },
  ])('infers $code from $detail', ({ detail, code }) => {
    const error = openAIErrorFromBody('OpenAI', detail);
    expect(error.code).toBe(code);
    expect(error.message).toContain(detail.message);
  });
});

describe('addresses in relayed messages', () => {
  it('replaces the network addresses an upstream put in its message, keeping the rest', () => {
    const body = JSON.stringify({ error: { message: 'Post "http://127.0.0.1:39017/completion": EOF', type: 'api_error' } });
    const error = parseOpenAIError('Ollama', 500, body, {});
    expect(error.message).toBe('Ollama answered 500: Post "[address]": EOF');
    expect(openAIErrorFromBody('vLLM', { message: 'backend 10.0.3.7:8000 is down' }).message).toBe('vLLM reported an error: backend [address] is down');
  });
});
