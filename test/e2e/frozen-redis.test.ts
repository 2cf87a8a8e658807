/**
 * A Junction sharing state through Redis, when Redis stops answering mid-connection (frozen
 * behind a relay, see test/support/tcp-relay.ts) just as a breaker goes half-open: the probe's
 * claim is the request's one wait on Redis, and the request must still end within its route's
 * deadline, with an answer or a proper error. The backstops are generous guards against
 * hanging, not timing assertions.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisStateStore } from '../../src/state/redis/redis-state-store';
import { startHarness, type Harness } from '../support/harness';
import { createTcpRelay, type TcpRelay } from '../support/tcp-relay';
import { settlesWithin, until } from '../support/until';

const REDIS_URL = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const ROUTE_DEADLINE_MS = 1_000;
const SLACK_MS = 5_000;
const hello = [{ role: 'user', content: 'Hello' }];

describe('a half-open breaker behind a Redis that stopped answering', () => {
  let relay: TcpRelay;
  let harness: Harness;

  afterEach(async () => {
    relay.thaw();
    await harness.close();
    await relay.close();
  });

  /** A Junction whose `lonely` route has an open breaker, due to go half-open, and whose Redis has just frozen. */
  async function frozenJustBeforeTheProbe(claimTimeoutMs?: number): Promise<() => Promise<Response>> {
    relay = createTcpRelay({ host: REDIS_URL.hostname, port: Number(REDIS_URL.port || 6379) });
    const port = await relay.listen();
    harness = await startHarness({
      state: { kind: 'redis', url: `redis://127.0.0.1:${port}`, prefix: `junction-test:${randomUUID()}:`, ...(claimTimeoutMs === undefined ? {} : { claimTimeoutMs }) },
      deployments: { lonely: { provider: 'sim-openai', model: 'lonely-model', pricing: { input: 1, output: 1 }, contextWindow: 8_000, capabilities: ['chat'] } },
      routes: { lonely: { deployments: ['lonely'], retry: { attempts: 0 }, timeoutMs: ROUTE_DEADLINE_MS, breaker: { consecutiveFailures: 1, cooldownMs: 100 } } },
    });
    const { store } = harness.junction.services;
    // Connected, so the probe's slot is claimed in Redis rather than decided locally at once.
    await (store as RedisStateStore).ready;
    const post = () =>
      fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'lonely', messages: hello }),
        signal: AbortSignal.timeout(ROUTE_DEADLINE_MS + SLACK_MS),
      });

    harness.simulator.setBehaviour('lonely-model', { errorRates: { '500': 1 } });
    expect((await post()).status).toBe(503);
    const retryAt = store.snapshot('lonely', Date.now()).breaker.retryAt!;
    expect(retryAt).toBeDefined();
    harness.simulator.reset();
    await until(() => Date.now() >= retryAt, 'the breaker is due to go half-open');
    relay.freeze();
    return post;
  }

  it('sends the probe on its own view after the claim timeout, and answers', async () => {
    const post = await frozenJustBeforeTheProbe();
    const response = await settlesWithin(post(), ROUTE_DEADLINE_MS + SLACK_MS, 'the half-open request');
    expect(response.status).toBe(200);
    expect(response.headers.get('x-junction-deployment')).toBe('lonely');
    expect(harness.junction.services.store.snapshot('lonely', Date.now()).breaker.status).toBe('closed');
  });

  it('waits on Redis no longer than the route deadline leaves, however long the claim timeout', async () => {
    const post = await frozenJustBeforeTheProbe(60_000);
    const response = await settlesWithin(post(), ROUTE_DEADLINE_MS + SLACK_MS, 'the half-open request');
    // The wait used up the deadline: the probe may just make it, or end as the deadline passes.
    if (response.status !== 200) {
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('request_timeout');
    }
  });
});
