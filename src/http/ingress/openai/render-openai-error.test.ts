import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, JunctionError, type ErrorCode } from '../../../errors';
import { renderOpenAIError } from './render-openai-error';

describe('renderOpenAIError', () => {
  it.each<[ErrorCode, number, string]>([
    ['invalid_request', 400, 'invalid_request_error'],
    ['invalid_json', 400, 'invalid_request_error'],
    ['body_too_large', 413, 'invalid_request_error'],
    ['model_not_found', 404, 'invalid_request_error'],
    ['upstream_rate_limited', 429, 'rate_limit_error'],
    ['upstream_server_error', 502, 'server_error'],
    ['upstream_overloaded', 503, 'server_error'],
    ['upstream_timeout', 504, 'server_error'],
    ['all_deployments_failed', 503, 'server_error'],
    ['internal_error', 500, 'server_error'],
  ])('%s → %i %s', (code, status, type) => {
    const rendered = renderOpenAIError(new JunctionError(code, 'something happened'));
    expect(rendered.status).toBe(status);
    expect(rendered.body.error.type).toBe(type);
    expect(rendered.body.error.message).toBe('something happened');
  });

  it('renders every catalogue code with a type and the code as it is', () => {
    for (const code of Object.keys(ERROR_CATALOGUE) as ErrorCode[]) {
      const { body } = renderOpenAIError(new JunctionError(code, 'x'));
      expect(body.error.type).toMatch(/_error$/);
      expect(body.error.code).toBe(code);
    }
  });

  it('carries param, the model_not_found code and details', () => {
    expect(renderOpenAIError(new JunctionError('invalid_request', 'messages: required', { param: 'messages' })).body.error.param).toBe(
      'messages',
    );
    expect(renderOpenAIError(new JunctionError('model_not_found', 'no route')).body.error).toEqual({
      message: 'no route',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
    const attempts = [{ deployment: 'a', code: 'upstream_timeout' }];
    expect(renderOpenAIError(new JunctionError('all_deployments_failed', 'all failed', { details: { attempts } })).body.error.details).toEqual({
      attempts,
    });
  });

  it("keeps a status override from the error", () => {
    expect(renderOpenAIError(new JunctionError('upstream_bad_request', 'gone', { status: 404 })).status).toBe(404);
  });
});
