import { describe, expect, it } from 'vitest';
import { JunctionError } from '../../errors';
import { DEFAULT_BREAKER_POLICY } from '../../resilience/types';
import type { Route } from '../../routing/catalog';
import type { AttemptPlan } from '../../routing/plan';
import { RetryBudget } from '../../resilience/retry-budget';
import { candidate } from '../../routing/strategies/__fixtures__/strategy-fixtures';
import { createMemoryStateStore } from '../../state';
import { GatewayEvents } from '../events';
import { executePlan, PlanExhausted } from './executor';
import { RequestRecord } from '../request-record';
import { Cancel } from './cancel';

const policy = { ...DEFAULT_BREAKER_POLICY, consecutiveFailures: 1, minimumRequests: 1, cooldownMs: 100, halfOpenProbes: 1 };

function setup(attemptsPerDeployment: number) {
  let clock = 1_000_000;
  const now = () => clock;
  const store = createMemoryStateStore({ policy: () => policy });
  const route: Route = {
    name: 'chat',
    deployments: ['a'],
    tiers: [{ name: 'primary', deployments: ['a'] }],
    strategy: 'priority',
    strategyOptions: {},
    retry: { attempts: attemptsPerDeployment, baseDelayMs: 10, maxDelayMs: 1_000, budgetRatio: 1 },
    streamResume: false,
    firstByteTimeoutMs: 'auto',
    breaker: policy,
    staleCache: false,
    overrides: { strategy: false, pin: false, exclude: false, auto: false },
  };
  const plan: AttemptPlan = { route: 'chat', strategy: 'priority', attempts: [{ ...candidate('a'), tier: 'primary', note: '' }], excluded: [], reason: '' };
  const record = new RequestRecord({ requestId: 'r', route: 'chat', ingress: 'openai', endpoint: 'chat', stream: false, startedAt: clock }, now);
  const base = {
    plan,
    route,
    record,
    events: new GatewayEvents(),
    store,
    budget: new RetryBudget(1),
    cancel: new Cancel(),
    now,
    random: () => 0.5,
    // Waiting moves the injected clock past the breaker's cool-down.
    sleep: async () => {
      clock += 1_000;
    },
  };
  return { base, store, record, advance: (ms: number) => (clock += ms), now };
}

describe('executePlan', () => {
  it('releases the half-open probe slot of every try, retries included', async () => {
    const { base, store, advance, now } = setup(1);
    store.attemptStarted('a', now());
    store.attemptEnded('a', { verdict: 'failure', latencyMs: 1, tokens: 0, errorCode: 'upstream_server_error', probe: false }, now());
    expect(store.snapshot('a', now()).breaker.status).toBe('open');
    advance(200);

    let calls = 0;
    const result = await executePlan({
      ...base,
      attempt: async (attempt) => {
        calls += 1;
        if (calls === 1) throw new JunctionError('upstream_server_error', 'boom');
        attempt.claim();
        return 'ok';
      },
    });
    expect(result.value).toBe('ok');
    expect(calls).toBe(2);
    const breaker = store.snapshot('a', now()).breaker;
    expect(breaker.probesInFlight).toBe(0);
    expect(breaker.status).toBe('closed');
  });

  it('records every try and reports the plan exhausted with each failure', async () => {
    const { base, record } = setup(2);
    const error = await executePlan({
      ...base,
      store: createMemoryStateStore({ policy: () => ({ ...policy, consecutiveFailures: 100, minimumRequests: 100 }) }),
      attempt: async () => {
        throw new JunctionError('upstream_timeout', 'slow');
      },
    }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(PlanExhausted);
    expect((error as PlanExhausted).failures.map((failure) => failure.error.code)).toEqual(['upstream_timeout', 'upstream_timeout', 'upstream_timeout']);
    expect(record.attempts.map((attempt) => attempt.outcome)).toEqual(['error', 'error', 'error']);
  });

  it('does not retry or fall back on a caller error', async () => {
    const { base, record } = setup(3);
    const error = await executePlan({
      ...base,
      attempt: async () => {
        throw new JunctionError('upstream_bad_request', 'bad field');
      },
    }).catch((thrown) => thrown);
    expect(error).toMatchObject({ code: 'upstream_bad_request' });
    expect(record.attempts).toHaveLength(1);
  });

  it('after a timeout moves on to the next deployment rather than retry the one that timed out', async () => {
    const { base, record } = setup(2);
    const plan: AttemptPlan = { ...base.plan, attempts: [...base.plan.attempts, { ...candidate('b'), tier: 'primary', note: '' }] };
    const tried: string[] = [];
    const result = await executePlan({
      ...base,
      plan,
      attempt: async (attempt) => {
        tried.push(attempt.candidate.deployment.id);
        if (attempt.candidate.deployment.id === 'a') throw new JunctionError('upstream_timeout', 'silent');
        attempt.claim();
        return 'ok';
      },
    });
    expect(result.value).toBe('ok');
    expect(tried).toEqual(['a', 'b']);
    expect(record.attempts.map((attempt) => attempt.deployment)).toEqual(['a', 'b']);
  });
});
