import { describe, expect, it } from 'vitest';
import { classifyAttempt } from './classify-attempt';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors';
import type { AttemptVerdict } from '../resilience/types';

// Written out in full so that adding a code to the catalogue breaks this test until the
// new code's verdict is chosen on purpose.
const EXPECTED: Record<ErrorCode, AttemptVerdict> = {
  invalid_json: 'neutral',
  invalid_request: 'neutral',
  body_too_large: 'neutral',
  invalid_http: 'neutral',
  headers_too_large: 'neutral',
  client_timeout: 'neutral',
  model_not_found: 'neutral',
  endpoint_not_found: 'neutral',
  audio_format_unsupported: 'neutral',
  capability_unsupported: 'neutral',
  upstream_bad_request: 'neutral',
  context_length_exceeded: 'neutral',
  upstream_auth: 'misconfigured',
  upstream_rate_limited: 'rate-limited',
  upstream_server_error: 'failure',
  upstream_overloaded: 'failure',
  upstream_timeout: 'failure',
  upstream_connection: 'failure',
  upstream_bad_response: 'failure',
  upstream_stream_truncated: 'failure',
  all_deployments_failed: 'neutral',
  request_timeout: 'neutral',
  client_closed: 'neutral',
  missing_api_key: 'neutral',
  invalid_api_key: 'neutral',
  api_key_revoked: 'neutral',
  api_key_expired: 'neutral',
  permission_denied: 'neutral',
  rate_limit_exceeded: 'neutral',
  budget_exceeded: 'neutral',
  queue_full: 'neutral',
  queue_timeout: 'neutral',
  limits_unavailable: 'neutral',
  conflict: 'neutral',
  config_invalid: 'neutral',
  key_not_found: 'neutral',
  request_not_found: 'neutral',
  team_not_found: 'neutral',
  file_not_found: 'neutral',
  batch_not_found: 'neutral',
  access_store_unavailable: 'neutral',
  attempt_cancelled: 'neutral',
  shutting_down: 'neutral',
  no_usable_source: 'neutral',
  internal_error: 'neutral',
};

describe('classifyAttempt', () => {
  it('has an expected verdict for exactly the codes of the catalogue', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it.each(Object.keys(ERROR_CATALOGUE) as ErrorCode[])('classifies %s', (code) => {
    expect(classifyAttempt(code)).toBe(EXPECTED[code]);
  });

  it('counts an attempt without an error as a success', () => {
    expect(classifyAttempt(undefined)).toBe('success');
  });

  it.each(['not_a_code', 'toString', 'constructor'])('treats the unknown code %s as neutral', (code) => {
    expect(classifyAttempt(code as ErrorCode)).toBe('neutral');
  });
});
