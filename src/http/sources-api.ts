/**
 * The multi-source data router over HTTP, under /api/v1/routing: route a metric, ingest source
 * health, read sources, trust, breakers, recent decisions and policies, set a policy. The work
 * is the operations layer's; this file decodes and answers (snake_case, as the service API was
 * specified). Scopes when keys are on: `chat` to route and report health, `routing:read` to
 * read, `admin` to set a policy.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Scope } from '../access/types';
import { actorOf } from '../access/caller';
import type { SourceOperations } from '../operations/sources';
import { encodeResult } from '../sources/wire';
import { credentialOf } from './api-endpoints';

type Require = (credential: string | undefined, scope: Scope | null) => unknown;

const PREFIX = '/api/v1/routing';

export function registerSourcesApi(app: FastifyInstance, sources: SourceOperations, require?: Require): void {
  const caller = async (request: FastifyRequest, scope: Scope) => actorOf(await require?.(credentialOf(request.raw), scope));
  const metricKey = (request: FastifyRequest) => (request.query as { metric_key?: string }).metric_key || undefined;

  app.post(`${PREFIX}/route`, async function routeMetric(request) {
    const actor = await caller(request, 'chat');
    return encodeResult(sources.route(request.body, actor));
  });

  app.post(`${PREFIX}/health`, async function sourceHealth(request) {
    await caller(request, 'chat');
    return sources.health(request.body);
  });

  app.get(`${PREFIX}/sources`, async function listSources(request) {
    await caller(request, 'routing:read');
    return { data: sources.router.sources(metricKey(request)) };
  });

  app.get(`${PREFIX}/trust`, async function listTrust(request) {
    await caller(request, 'routing:read');
    return { data: sources.router.trust(metricKey(request)) };
  });

  app.get(`${PREFIX}/breakers`, async function listBreakers(request) {
    await caller(request, 'routing:read');
    return { data: sources.router.breakers(metricKey(request)) };
  });

  app.get(`${PREFIX}/decisions`, async function recentDecisions(request) {
    await caller(request, 'routing:read');
    const key = metricKey(request);
    const limit = Math.min(1_000, Math.max(1, Number((request.query as { limit?: string }).limit ?? 20) || 20));
    return { metric_key: key ?? null, data: key === undefined ? [] : sources.router.recentDecisions(key, limit) };
  });

  app.get(`${PREFIX}/policies/:metricKey`, async function readPolicy(request) {
    await caller(request, 'routing:read');
    return sources.router.policy((request.params as { metricKey: string }).metricKey);
  });

  app.put(`${PREFIX}/policies/:metricKey`, async function writePolicy(request) {
    const actor = await caller(request, 'admin');
    return sources.setPolicy((request.params as { metricKey: string }).metricKey, request.body, actor);
  });
}
