import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../errors';
import { geminiErrorFromObject, parseGeminiError, retryInfoDelayMs } from './parse-gemini-error';

const body = (code: number, status: string, message: string, details?: unknown[]): string => JSON.stringify({ error: { code, status, message, details } });
const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });

describe('parseGeminiError', () => {
  it.each<[number, string, ErrorCode]>([
    [400, body(400, 'INVALID_ARGUMENT', 'bad'), 'upstream_bad_request'],
    [400, body(400, 'INVALID_ARGUMENT', 'The input token count (200001) exceeds the maximum number of tokens allowed (131072).'), 'context_length_exceeded'],
    [413, body(413, 'INVALID_ARGUMENT', 'Too many input tokens'), 'context_length_exceeded'],
    [413, 'Request Entity Too Large', 'upstream_bad_request'],
    [404, body(404, 'NOT_FOUND', 'The input token count exceeds the maximum'), 'upstream_bad_request'],
    [422, 'unprocessable', 'upstream_bad_request'],
    [408, '', 'upstream_timeout'],
    [401, '', 'upstream_auth'],
    [403, body(403, 'PERMISSION_DENIED', 'denied'), 'upstream_auth'],
    [429, '', 'upstream_rate_limited'],
    [500, '', 'upstream_server_error'],
    [502, '', 'upstream_server_error'],
    [503, '', 'upstream_overloaded'],
    [529, '', 'upstream_overloaded'],
    [504, '', 'upstream_server_error'],
    [302, '', 'upstream_bad_response'],
  ])('%i %s → %s', (status, text, code) => {
    const error = parseGeminiError(status, text, {});
    expect(error.code).toBe(code);
    expect(error.upstreamStatus).toBe(status);
  });

  it("carries the upstream's own message and status name", () => {
    expect(parseGeminiError(503, body(503, 'UNAVAILABLE', 'The model is overloaded.'), {}).message).toBe('Gemini answered 503 UNAVAILABLE: The model is overloaded.');
  });

  it('quotes a short piece of a non-JSON body, or the status when empty', () => {
    expect(parseGeminiError(502, 'x'.repeat(1000), {}).message).toBe(`Gemini answered 502: ${'x'.repeat(300)}`);
    expect(parseGeminiError(500, '  ', {}).message).toBe('Gemini answered 500: HTTP 500');
  });

  it.each<[string, Record<string, string>, string, number | undefined]>([
    ['RetryInfo alone', {}, body(429, 'RESOURCE_EXHAUSTED', 'q', [retryInfo('12s')]), 12_000],
    ['retry-after-ms header first', { 'retry-after-ms': '250', 'retry-after': '9' }, body(429, 'RESOURCE_EXHAUSTED', 'q', [retryInfo('12s')]), 250],
    ['retry-after header over RetryInfo', { 'retry-after': '9' }, body(429, 'RESOURCE_EXHAUSTED', 'q', [retryInfo('12s')]), 9_000],
    ['no hint at all', {}, body(429, 'RESOURCE_EXHAUSTED', 'q'), undefined],
    ['non-JSON body, header only', { 'retry-after': '3' }, 'Too Many Requests', 3_000],
  ])('429 wait: %s', (_name, headers, text, expected) => {
    expect(parseGeminiError(429, text, headers).retryAfterMs).toBe(expected);
  });

  it('passes a Retry-After on 503 through too, and ignores it on errors that are not about load', () => {
    expect(parseGeminiError(503, '', { 'retry-after': '5' }).retryAfterMs).toBe(5_000);
    expect(parseGeminiError(400, '', { 'retry-after': '5' }).retryAfterMs).toBeUndefined();
  });

  it('reads an invalid API key, which Gemini answers with 400, as an auth failure', () => {
    const text = body(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }]);
    expect(parseGeminiError(400, text, {}).code).toBe('upstream_auth');
  });
});

describe('retryInfoDelayMs', () => {
  it.each<[string, unknown[], number | undefined]>([
    ['whole seconds', [retryInfo('30s')], 30_000],
    ['fractions', [retryInfo('0.25s')], 250],
    ['nanosecond precision', [retryInfo('27.123456789s')], 27_123],
    ['among other details', [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }, retryInfo('2s')], 2_000],
    ['unreadable duration', [retryInfo('soon')], undefined],
    ['no RetryInfo', [{ '@type': 'type.googleapis.com/google.rpc.Help' }], undefined],
    ['wrong @type', [{ '@type': 'RetryInfo', retryDelay: '2s' }], undefined],
  ])('%s', (_name, details, expected) => {
    expect(retryInfoDelayMs(details as Array<{ '@type'?: string; retryDelay?: string }>)).toBe(expected);
  });
});

describe('geminiErrorFromObject', () => {
  it.each<[unknown, ErrorCode | undefined, number | undefined]>([
    [{ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'q' } }, 'upstream_rate_limited', 429],
    [{ error: { status: 'UNAVAILABLE', message: 'busy' } }, 'upstream_overloaded', 503],
    [{ error: { status: 'INVALID_ARGUMENT' } }, 'upstream_bad_request', 400],
    [{ error: { message: 'no code, no status' } }, 'upstream_server_error', 500],
    [[{ error: { code: 500 } }], 'upstream_server_error', 500],
    [{ candidates: [] }, undefined, undefined],
    [{ error: 'a string' }, undefined, undefined],
    ['error', undefined, undefined],
  ])('%j → %s', (value, code, status) => {
    const error = geminiErrorFromObject(value);
    expect(error?.code).toBe(code);
    expect(error?.upstreamStatus).toBe(status);
  });
});
