/**
 * Junction's errors as MCP JSON-RPC errors, with the codes of the provider-router design and a
 * recovery hint for the agent:
 *   −32001 PROVIDER_UNAVAILABLE, −32002 RATE_LIMIT_EXCEEDED, −32003 BUDGET_EXCEEDED,
 *   −32004 CAPABILITY_MISMATCH, −32005 CIRCUIT_OPEN.
 * A caller's mistake is the protocol's −32602 (invalid params); refusals of the caller's key are
 * −32001's neighbour in the JSON-RPC server range, −32006 UNAUTHORIZED.
 */
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { toJunctionError, type ErrorCode } from '../errors';

export const MCP_ERRORS = {
  PROVIDER_UNAVAILABLE: -32001,
  RATE_LIMIT_EXCEEDED: -32002,
  BUDGET_EXCEEDED: -32003,
  CAPABILITY_MISMATCH: -32004,
  CIRCUIT_OPEN: -32005,
  UNAUTHORIZED: -32006,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

type McpErrorName = keyof typeof MCP_ERRORS;

const HINTS: Record<McpErrorName, string> = {
  PROVIDER_UNAVAILABLE: 'Every deployment that could serve this failed; retry later, or route to another model (get_provider_status shows which are healthy).',
  RATE_LIMIT_EXCEEDED: 'A rate or concurrency limit refused the request; wait retryAfterSeconds, then retry.',
  BUDGET_EXCEEDED: 'A spending budget is used up for this period; use a cheaper route or wait for the next period (get_spend shows usage).',
  CAPABILITY_MISMATCH: 'No deployment of this route can serve the request (tools, images, JSON, context window); change the request or the model.',
  CIRCUIT_OPEN: 'Every deployment of this route has its circuit breaker open; retry after the cool-down or pick another route.',
  UNAUTHORIZED: 'The key is missing, invalid, revoked or lacks the scope this tool needs.',
  INVALID_PARAMS: 'Fix the arguments as the message says and call again.',
  INTERNAL_ERROR: 'An unexpected error inside Junction; retrying may help, and the gateway log says more.',
};

const BY_CODE: Partial<Record<ErrorCode, McpErrorName>> = {
  invalid_request: 'INVALID_PARAMS',
  invalid_json: 'INVALID_PARAMS',
  body_too_large: 'INVALID_PARAMS',
  model_not_found: 'INVALID_PARAMS',
  upstream_bad_request: 'INVALID_PARAMS',
  capability_unsupported: 'CAPABILITY_MISMATCH',
  context_length_exceeded: 'CAPABILITY_MISMATCH',
  rate_limit_exceeded: 'RATE_LIMIT_EXCEEDED',
  queue_full: 'RATE_LIMIT_EXCEEDED',
  queue_timeout: 'RATE_LIMIT_EXCEEDED',
  upstream_rate_limited: 'RATE_LIMIT_EXCEEDED',
  budget_exceeded: 'BUDGET_EXCEEDED',
  missing_api_key: 'UNAUTHORIZED',
  invalid_api_key: 'UNAUTHORIZED',
  api_key_revoked: 'UNAUTHORIZED',
  api_key_expired: 'UNAUTHORIZED',
  permission_denied: 'UNAUTHORIZED',
  internal_error: 'INTERNAL_ERROR',
};

/**
 * The MCP error for anything a tool threw. `breakersOpen` says whether every deployment the
 * request could have used has an open breaker, which turns an outage into CIRCUIT_OPEN.
 */
export function toMcpError(thrown: unknown, breakersOpen = false): McpError {
  if (thrown instanceof McpError) return thrown;
  const error = toJunctionError(thrown);
  const name: McpErrorName = BY_CODE[error.code] ?? (breakersOpen ? 'CIRCUIT_OPEN' : error.status >= 500 ? 'PROVIDER_UNAVAILABLE' : 'INVALID_PARAMS');
  const chosen = name === 'PROVIDER_UNAVAILABLE' && breakersOpen ? 'CIRCUIT_OPEN' : name;
  return new McpError(MCP_ERRORS[chosen], error.message, {
    name: chosen,
    junctionCode: error.code,
    hint: HINTS[chosen],
    ...(error.param ? { param: error.param } : {}),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterSeconds: Math.ceil(error.retryAfterMs / 1000) }),
  });
}

export function invalidParams(message: string): McpError {
  return new McpError(MCP_ERRORS.INVALID_PARAMS, message, { name: 'INVALID_PARAMS', hint: HINTS.INVALID_PARAMS });
}
