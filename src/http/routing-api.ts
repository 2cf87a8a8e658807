/**
 * Routing operations: a dry-run decision for a request (which deployments, in what order, and
 * why each candidate ranks or is left out) and every deployment's live health.
 */
import type { FastifyInstance } from 'fastify';
import type { Gateway } from '../gateway/gateway';
import { hintsFromHeaders } from '../gateway/routing-hints';
import { reportHealth } from '../state/health-report';
import { decodeAnthropicMessages } from './ingress/anthropic/decode-anthropic-messages';
import { decodeOpenAIChat } from './ingress/openai/decode-openai-chat';

export function registerRoutingApi(app: FastifyInstance, gateway: Gateway): void {
  /** Body: a normal chat request (OpenAI format, or Anthropic with `?format=anthropic`). No upstream is called. */
  app.post('/v1/routing/decision', async function routingDecision(request) {
    const format = (request.query as { format?: string }).format;
    const chat = format === 'anthropic' ? decodeAnthropicMessages(request.body) : decodeOpenAIChat(request.body).request;
    const plan = gateway.preview(chat, hintsFromHeaders(request.headers));
    const now = gateway.now();
    return {
      route: plan.route,
      strategy: plan.strategy,
      reason: plan.reason,
      ...(plan.variant ? { variant: plan.variant } : {}),
      plan: plan.attempts.map((attempt, index) => ({
        rank: index + 1,
        deployment: attempt.deployment.id,
        provider: attempt.provider.id,
        model: attempt.deployment.model,
        tier: attempt.tier,
        reason: attempt.note,
        health: healthSummary(gateway, attempt.deployment.id, now),
      })),
      excluded: plan.excluded,
    };
  });

  app.get('/v1/providers', async function providerStatus() {
    const now = gateway.now();
    const { catalog } = gateway;
    return {
      object: 'list',
      data: [...catalog.deployments.values()].map((deployment) => ({
        ...reportHealth(gateway.store.snapshot(deployment.id, now)),
        provider: deployment.provider,
        kind: catalog.providers.get(deployment.provider)?.kind,
        model: deployment.model,
      })),
    };
  });
}

function healthSummary(gateway: Gateway, deployment: string, now: number) {
  const health = reportHealth(gateway.store.snapshot(deployment, now));
  return {
    breaker: health.breaker.status,
    latencyMs: health.latencyMs,
    ttftMs: health.ttftMs,
    successRate: health.successRate,
    inFlight: health.inFlight,
  };
}
