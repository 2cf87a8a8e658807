/** Gemini error answers as sent on the wire: a `google.rpc.Status` under `error`, or worse. */
import type { AdapterFixtures } from '../../../../test/conformance/provider-adapter.suite';

const status = (code: number, grpc: string, message: string, details?: unknown[]): string =>
  JSON.stringify({ error: { code, message, status: grpc, ...(details === undefined ? {} : { details }) } }, null, 2);

const retryInfo = (retryDelay: string) => ({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay });
const quotaFailure = {
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' }],
};

export const errorCases: AdapterFixtures['errors'] = [
  {
    name: '400 invalid argument',
    status: 400,
    body: status(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified\n'),
    code: 'upstream_bad_request',
  },
  {
    name: '400 input token count over the limit',
    status: 400,
    body: status(400, 'INVALID_ARGUMENT', 'The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).'),
    code: 'context_length_exceeded',
  },
  {
    name: '400 invalid API key',
    status: 400,
    body: status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
      { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
    ]),
    code: 'upstream_auth',
  },
  {
    name: '400 wrapped in an array',
    status: 400,
    body: `[${status(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo": Cannot find field.')}]`,
    code: 'upstream_bad_request',
  },
  {
    name: '401 unauthenticated',
    status: 401,
    body: status(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.'),
    code: 'upstream_auth',
  },
  {
    name: '403 permission denied',
    status: 403,
    body: status(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.'),
    code: 'upstream_auth',
  },
  {
    name: '404 unknown model',
    status: 404,
    body: status(404, 'NOT_FOUND', 'models/gemini-0.9-ultra is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.'),
    code: 'upstream_bad_request',
  },
  {
    name: '429 with RetryInfo',
    status: 429,
    body: status(429, 'RESOURCE_EXHAUSTED', 'You exceeded your current quota, please check your plan and billing details.', [quotaFailure, retryInfo('30s')]),
    code: 'upstream_rate_limited',
    retryAfterMs: 30_000,
  },
  {
    name: '429 with fractional RetryInfo',
    status: 429,
    body: status(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [retryInfo('1.5s')]),
    code: 'upstream_rate_limited',
    retryAfterMs: 1_500,
  },
  {
    name: '429 with a retry-after header, which wins over RetryInfo',
    status: 429,
    body: status(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [retryInfo('30s')]),
    headers: { 'retry-after': '7' },
    code: 'upstream_rate_limited',
    retryAfterMs: 7_000,
  },
  {
    name: '500 internal',
    status: 500,
    body: status(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'),
    code: 'upstream_server_error',
  },
  {
    name: '503 overloaded',
    status: 503,
    body: status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
    code: 'upstream_overloaded',
  },
  {
    name: '504 deadline exceeded',
    status: 504,
    body: status(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'),
    code: 'upstream_server_error',
  },
  {
    name: '502 from a proxy, not JSON',
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    code: 'upstream_server_error',
  },
];
