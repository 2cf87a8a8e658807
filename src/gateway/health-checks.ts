/**
 * Active health checks: every interval, a cheap request to each deployment (a one-token chat,
 * or a one-word embedding), admitted by its breaker like any attempt, its result fed to health
 * tracking. So a dead deployment is found, and a recovered one closed again, without making
 * callers pay for the discovery.
 */
import { classifyAttempt } from '../routing/classify-attempt';
import { JunctionError } from '../errors';
import type { Deployment } from '../routing/catalog';
import type { GatewayServices } from './services';
import { Cancel } from './execution/cancel';
import { parseJsonAnswer } from './execution/read-body';
import { transportError } from './execution/upstream-client';

export interface HealthCheckOptions {
  intervalMs: number;
  timeoutMs: number;
}

export interface HealthChecker {
  /** Probe every deployment once now (the timer calls this; tests call it directly). */
  runOnce(): Promise<Array<{ deployment: string; ok: boolean; errorCode?: string }>>;
  stop(): void;
}

export function startHealthChecks(services: GatewayServices, options: HealthCheckOptions, { timer = true } = {}): HealthChecker {
  let running: Promise<unknown> | undefined;
  const runOnce = () => Promise.all([...services.catalog.deployments.values()].map((deployment) => probe(services, deployment, options.timeoutMs)));
  const interval = timer
    ? setInterval(() => {
        // Never overlap rounds: a slow round delays the next instead of piling up.
        running ??= runOnce().finally(() => (running = undefined));
      }, options.intervalMs)
    : undefined;
  interval?.unref();
  return { runOnce, stop: () => clearInterval(interval) };
}

async function probe(services: GatewayServices, deployment: Deployment, timeoutMs: number): Promise<{ deployment: string; ok: boolean; errorCode?: string }> {
  const provider = services.catalog.providers.get(deployment.provider)!;
  const { store } = services;
  const admission = await store.admit(deployment.id, services.now());
  if (!admission.admitted) return { deployment: deployment.id, ok: false, errorCode: 'breaker_open' };
  const startedAt = services.now();
  store.attemptStarted(deployment.id, startedAt);
  const cancel = new Cancel();
  const timer = setTimeout(() => cancel.abort('attempt-timeout'), timeoutMs);
  const target = { provider, deployment };
  const adapter = services.adapterFor(provider);
  try {
    if (deployment.capabilities.includes('chat')) {
      const request = adapter.chatRequest({ model: deployment.id, stream: false, maxTokens: 1, messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }] }, target);
      adapter.parseChatResponse(parseJsonAnswer(await services.client.sendBuffered(provider, request, cancel), adapter, provider).json, target);
    } else if (adapter.embeddingRequest && adapter.parseEmbeddingResponse) {
      const request = adapter.embeddingRequest({ model: deployment.id, input: ['ping'] }, target);
      adapter.parseEmbeddingResponse(parseJsonAnswer(await services.client.sendBuffered(provider, request, cancel), adapter, provider).json, target);
    }
    const latencyMs = services.now() - startedAt;
    store.attemptEnded(deployment.id, { verdict: 'success', latencyMs, ttftMs: latencyMs, tokens: 0, probe: admission.probe }, services.now());
    return { deployment: deployment.id, ok: true };
  } catch (thrown) {
    const error = thrown instanceof JunctionError ? thrown : transportError(thrown, undefined, provider);
    const code = cancel.aborted ? 'upstream_timeout' : error.code;
    store.attemptEnded(
      deployment.id,
      { verdict: classifyAttempt(code), latencyMs: services.now() - startedAt, tokens: 0, errorCode: code, errorMessage: error.message, probe: admission.probe },
      services.now(),
    );
    return { deployment: deployment.id, ok: false, errorCode: code };
  } finally {
    clearTimeout(timer);
  }
}
