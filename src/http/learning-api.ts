/**
 * Auto-routing's feedback over HTTP: `POST /feedback {request_id, score}` scores an answered
 * auto-routed request (score in [0, 1]; the request id is the answer's `x-request-id`);
 * `GET /quality/stats` and `GET /insights` say what was learned. The work is the operations
 * layer's; this file decodes and answers. Errors come in the gateway's JSON error shape.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { callerIdOf } from '../access/caller';
import type { Scope } from '../access/types';
import { JunctionError } from '../errors';
import type { FeedbackCaller, LearningOperations } from '../operations/learning';
import { credentialOf } from './api-endpoints';

type Require = (credential: string | undefined, scope: Scope | null) => unknown;

export function registerLearningApi(app: FastifyInstance, learning: LearningOperations, require?: Require): void {
  const check = (scope: Scope) => async (request: FastifyRequest) => callerOf(await require?.(credentialOf(request.raw), scope));

  app.post('/feedback', async function feedback(request) {
    const caller = await check('chat')(request);
    const { requestId, score } = decodeFeedback(request.body);
    const outcome = learning.feedback({ requestId, score }, caller);
    return {
      request_id: outcome.requestId,
      accepted: true,
      route: outcome.route,
      pattern: outcome.pattern,
      deployment: outcome.deployment,
      predicted_quality: outcome.predictedQuality,
      score: outcome.score,
      arm: { observations: outcome.observations, residual: outcome.residual },
    };
  });

  app.get('/quality/stats', async function qualityStats(request) {
    await check('routing:read')(request);
    return learning.qualityStats();
  });

  app.get('/insights', async function insights(request) {
    await check('routing:read')(request);
    return learning.insights();
  });
}

function callerOf(principal: unknown): FeedbackCaller {
  if (principal === 'admin') return 'admin';
  const id = callerIdOf(principal);
  return id === undefined ? undefined : { principal: id };
}

function decodeFeedback(body: unknown): { requestId: string; score: number } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw invalid('the body must be a JSON object {"request_id": "...", "score": 0.8}', undefined);
  const fields = body as Record<string, unknown>;
  const requestId = fields.request_id ?? fields.requestId;
  if (typeof requestId !== 'string' || requestId.trim() === '' || requestId.length > 200) {
    throw invalid('request_id must be the x-request-id of an answered auto-routed request (a non-empty string of at most 200 characters)', 'request_id');
  }
  const score = fields.score;
  if (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1) throw invalid('score must be a number from 0 (useless) to 1 (perfect)', 'score');
  return { requestId, score };
}

function invalid(message: string, param: string | undefined): JunctionError {
  return new JunctionError('invalid_request', message, param === undefined ? {} : { param });
}
