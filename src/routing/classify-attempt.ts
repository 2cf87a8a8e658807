/**
 * How an attempt's outcome counts towards a deployment's health. Only the deployment's own
 * faults are failures; the caller's faults and the caller leaving say nothing about it.
 */
import type { ErrorCode } from '../errors';
import type { AttemptVerdict } from '../resilience/types';

// Exhaustive on purpose: a new error code fails to compile here until someone decides
// whether it is the deployment's fault, rather than silently falling into a default.
const VERDICT_BY_CODE = {
  upstream_timeout: 'failure',
  upstream_connection: 'failure',
  upstream_server_error: 'failure',
  upstream_overloaded: 'failure',
  upstream_bad_response: 'failure',
  upstream_stream_truncated: 'failure',
  upstream_rate_limited: 'rate-limited',
  upstream_auth: 'misconfigured',
  upstream_bad_request: 'neutral',
  context_length_exceeded: 'neutral',
  invalid_json: 'neutral',
  invalid_request: 'neutral',
  body_too_large: 'neutral',
  // The caller's HTTP itself was at fault; no deployment was involved.
  invalid_http: 'neutral',
  headers_too_large: 'neutral',
  client_timeout: 'neutral',
  model_not_found: 'neutral',
  endpoint_not_found: 'neutral',
  audio_format_unsupported: 'neutral',
  capability_unsupported: 'neutral',
  client_closed: 'neutral',
  request_timeout: 'neutral',
  // The hedge's loser was cut short by us, not by the deployment.
  attempt_cancelled: 'neutral',
  // Raised by Junction about the whole request, never by one deployment's attempt.
  all_deployments_failed: 'neutral',
  shutting_down: 'neutral',
  // About data sources, never an LLM deployment's attempt.
  no_usable_source: 'neutral',
  // The caller's key, limits and budgets: decided before any deployment is asked.
  missing_api_key: 'neutral',
  invalid_api_key: 'neutral',
  api_key_revoked: 'neutral',
  api_key_expired: 'neutral',
  permission_denied: 'neutral',
  rate_limit_exceeded: 'neutral',
  budget_exceeded: 'neutral',
  // Junction's own concurrency gate refused or timed out the wait: no attempt reached the deployment.
  queue_full: 'neutral',
  queue_timeout: 'neutral',
  limits_unavailable: 'neutral',
  // Keys, teams and their store: about the caller or the gateway, never a deployment.
  conflict: 'neutral',
  config_invalid: 'neutral',
  key_not_found: 'neutral',
  request_not_found: 'neutral',
  team_not_found: 'neutral',
  file_not_found: 'neutral',
  batch_not_found: 'neutral',
  access_store_unavailable: 'neutral',
  // A bug in Junction is not the deployment's fault.
  internal_error: 'neutral',
} as const satisfies Record<ErrorCode, AttemptVerdict>;

/** The verdict for an attempt that ended with `errorCode`, or succeeded when it is undefined. */
export function classifyAttempt(errorCode: ErrorCode | undefined): AttemptVerdict {
  if (errorCode === undefined) return 'success';
  // Codes arrive from logs and shared state too; an unknown one carries no health signal.
  return Object.hasOwn(VERDICT_BY_CODE, errorCode) ? VERDICT_BY_CODE[errorCode] : 'neutral';
}

/**
 * Whether a finished attempt says anything about its deployment (for the learners and monitors
 * that read finished attempts): not when the caller went away, nor when it failed for the
 * caller's own fault.
 */
export function tellsOfDeployment(outcome: 'success' | 'error' | 'aborted', errorCode: string | undefined): boolean {
  return outcome === 'success' || (outcome === 'error' && classifyAttempt(errorCode as ErrorCode | undefined) !== 'neutral');
}
