import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../errors';
import { anthropicStreamError, parseAnthropicError } from './map-anthropic-error';

const wire = (type: string, message: string): string => JSON.stringify({ type: 'error', error: { type, message } });
const NOW = Date.UTC(2025, 0, 2, 3, 4, 5);

describe('parseAnthropicError', () => {
  it.each<{ status: number; body: string; code: ErrorCode }>([
    { status: 400, body: wire('invalid_request_error', 'max_tokens: Field required'), code: 'upstream_bad_request' },
    { status: 400, body: wire('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), code: 'context_length_exceeded' },
    { status: 400, body: '<html>Bad Request</html>', code: 'upstream_bad_request' },
    { status: 401, body: wire('authentication_error', 'invalid x-api-key'), code: 'upstream_auth' },
    { status: 402, body: wire('billing_error', 'credit balance is too low'), code: 'upstream_auth' },
    { status: 403, body: wire('permission_error', 'no access'), code: 'upstream_auth' },
    { status: 404, body: wire('not_found_error', 'model: nope'), code: 'upstream_bad_request' },
    { status: 408, body: '', code: 'upstream_timeout' },
    { status: 409, body: wire('invalid_request_error', 'conflict'), code: 'upstream_bad_request' },
    { status: 413, body: wire('request_too_large', 'too big'), code: 'upstream_bad_request' },
    { status: 422, body: wire('invalid_request_error', 'unprocessable'), code: 'upstream_bad_request' },
    { status: 429, body: wire('rate_limit_error', 'slow down'), code: 'upstream_rate_limited' },
    { status: 500, body: wire('api_error', 'Internal server error'), code: 'upstream_server_error' },
    { status: 500, body: wire('overloaded_error', 'Overloaded'), code: 'upstream_overloaded' },
    { status: 502, body: 'Bad Gateway', code: 'upstream_server_error' },
    { status: 503, body: 'Service Unavailable', code: 'upstream_overloaded' },
    { status: 504, body: '', code: 'upstream_server_error' },
    { status: 529, body: wire('overloaded_error', 'Overloaded'), code: 'upstream_overloaded' },
  ])('$status $body → $code', ({ status, body, code }) => {
    const error = parseAnthropicError(status, body, {}, NOW);
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
  });

  it('carries the upstream message and error type', () => {
    const error = parseAnthropicError(401, wire('authentication_error', 'invalid x-api-key'), {}, NOW);
    expect(error.message).toBe('Anthropic answered 401 authentication_error: invalid x-api-key');
    expect(error.details).toEqual({ upstreamErrorType: 'authentication_error' });
  });

  it('shortens a non-JSON body into the message', () => {
    const error = parseAnthropicError(502, `<html>\n  <body>${'x'.repeat(500)}</body>\n</html>`, {}, NOW);
    expect(error.message.startsWith('Anthropic answered 502: <html> <body>xxx')).toBe(true);
    expect(error.message.length).toBeLessThan(260);
  });

  it.each<{ name: string; headers: Record<string, string | string[] | undefined>; expected: number | undefined }>([
    { name: 'seconds', headers: { 'retry-after': '12' }, expected: 12_000 },
    { name: 'milliseconds win over seconds', headers: { 'retry-after-ms': '250', 'retry-after': '12' }, expected: 250 },
    { name: 'an HTTP date, against the injected clock', headers: { 'retry-after': new Date(NOW + 30_000).toUTCString() }, expected: 30_000 },
    { name: 'absent', headers: {}, expected: undefined },
  ])('reads retry-after from $name', ({ headers, expected }) => {
    expect(parseAnthropicError(429, wire('rate_limit_error', 'slow down'), headers, NOW).retryAfterMs).toBe(expected);
  });
});

describe('anthropicStreamError', () => {
  it.each<{ type: string; message: string; code: ErrorCode }>([
    { type: 'overloaded_error', message: 'Overloaded', code: 'upstream_overloaded' },
    { type: 'api_error', message: 'Internal server error', code: 'upstream_server_error' },
    { type: 'rate_limit_error', message: 'slow down', code: 'upstream_rate_limited' },
    { type: 'authentication_error', message: 'bad key', code: 'upstream_auth' },
    { type: 'permission_error', message: 'no', code: 'upstream_auth' },
    { type: 'invalid_request_error', message: 'bad field', code: 'upstream_bad_request' },
    { type: 'invalid_request_error', message: 'prompt is too long: 300000 tokens > 200000 maximum', code: 'context_length_exceeded' },
    { type: 'not_found_error', message: 'gone', code: 'upstream_bad_request' },
    { type: 'request_too_large', message: 'big', code: 'upstream_bad_request' },
    { type: 'timeout_error', message: 'slow', code: 'upstream_timeout' },
    { type: 'brand_new_error', message: '?', code: 'upstream_server_error' },
    { type: 'constructor', message: '?', code: 'upstream_server_error' },
  ])('$type → $code', ({ type, message, code }) => {
    const error = anthropicStreamError({ type: 'error', error: { type, message } });
    expect(error.code).toBe(code);
    expect(error.message).toContain(message);
  });
});
