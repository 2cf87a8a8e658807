import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, JunctionError, type ErrorCode } from '../../../errors';
import { renderAnthropicError } from './render-anthropic-error';

const ANTHROPIC_TYPES = [
  'invalid_request_error',
  'authentication_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'overloaded_error',
];

describe('renderAnthropicError', () => {
  it.each<[ErrorCode, number, string]>([
    ['invalid_request', 400, 'invalid_request_error'],
    ['model_not_found', 404, 'not_found_error'],
    ['body_too_large', 413, 'request_too_large'],
    ['upstream_rate_limited', 429, 'rate_limit_error'],
    ['upstream_server_error', 502, 'api_error'],
    ['upstream_overloaded', 503, 'overloaded_error'],
    ['all_deployments_failed', 503, 'overloaded_error'],
    ['upstream_timeout', 504, 'api_error'],
    ['request_timeout', 504, 'api_error'],
    ['internal_error', 500, 'api_error'],
  ])('%s → %i %s', (code, status, type) => {
    const rendered = renderAnthropicError(new JunctionError(code, 'it broke'));
    expect(rendered).toEqual({ status, body: { type: 'error', error: { type, message: 'it broke', details: { error_code: code } } } });
  });

  it('maps every catalogue code to a documented Anthropic error type', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      expect(ANTHROPIC_TYPES).toContain(renderAnthropicError(new JunctionError(code, 'x')).body.error.type);
    }
  });

  it('includes details when present, beside the code', () => {
    const details = { attempts: [{ deployment: 'a', code: 'upstream_timeout' }] };
    expect(renderAnthropicError(new JunctionError('all_deployments_failed', 'all failed', { details })).body.error.details).toEqual({
      error_code: 'all_deployments_failed',
      ...details,
    });
  });
});
