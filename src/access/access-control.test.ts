/**
 * The authenticate and admit stages over a real key ring and memory limit store: what each key
 * check answers, exactly which counters a request draws on and how much, the x-ratelimit-*
 * headers of an admitted request, what settlement charges, and that a changed key or team, a
 * new calendar month and another request size each change the draws as they should.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configFromObject } from '../config';
import type { JunctionConfig } from '../config';
import { JunctionError } from '../errors';
import type { Exchange, RequestContext } from '../gateway/context';
import type { LedgerEntry } from '../ledger/types';
import type { RequestNeeds } from '../routing/needs';
import { createAccessControl, type AccessControl, type KeyPrincipal } from './access-control';
import { keyRecordFromConfig } from './config-keys';
import { createKeyRing, type KeyRing } from './key-ring';
import { generateKey } from './keys';
import { createMemoryLimitStore } from './limits';
import type { Crossing, Draw, LimitStore, Reservation } from './limits/types';
import { createMemoryAccessStore } from './store/memory-access-store';
import type { KeyRecord, TeamRecord } from './types';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const full = generateKey();
const plain = generateKey();
const expired = generateKey();
const revoked = generateKey();

function gatewayConfig(): JunctionConfig {
  return configFromObject({
    logging: { level: 'silent' },
    ledger: { kind: 'none' },
    providers: { up: { kind: 'openai', baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'x' } },
    deployments: {
      small: { provider: 'up', model: 'small', pricing: { input: 1, output: 2 }, contextWindow: 100_000, capabilities: ['chat'] },
      large: { provider: 'up', model: 'large', pricing: { input: 10, output: 30 }, contextWindow: 100_000, capabilities: ['chat'] },
    },
    routes: {
      chat: { deployments: ['small', 'large'], limits: { rpm: 1_000 }, budgets: [{ usd: 50, period: 'day' }] },
      other: { deployments: ['small'] },
    },
    limits: { global: { budgets: [{ usd: 1_000, period: 'month' }] } },
  });
}

const team = (limits: TeamRecord['limits'], version = 0): TeamRecord => ({ id: 'eng', name: 'Engineering', metadata: {}, limits, budgets: [{ usd: 100, period: 'week' }], createdAt: 0, source: 'config', version });
const keys = (fullLimits: KeyRecord['limits'] = { rpm: 600, tpm: 100_000 }): KeyRecord[] => [
  keyRecordFromConfig({ id: 'full', key: full.key, team: 'eng', tier: 'premium', limits: fullLimits, budgets: [{ usd: 10, period: 'month' }] }),
  keyRecordFromConfig({ id: 'plain', key: plain.key, routes: ['other'], scopes: ['chat'] }),
  keyRecordFromConfig({ id: 'expired', key: expired.key, expiresAt: NOW - 1 }),
  { ...keyRecordFromConfig({ id: 'revoked', key: revoked.key }), revokedAt: NOW - 1 },
];

/** A memory limit store that also keeps every reservation's draws and every settlement's actuals. */
function recording() {
  const inner = createMemoryLimitStore({ random: () => 0.5 });
  const reserved: Draw[][] = [];
  const settled: number[][] = [];
  const store: LimitStore = {
    reserve(draws, now, leaseMs) {
      reserved.push(draws.map((draw) => ({ rule: draw.rule, amount: draw.amount })));
      return inner.reserve(draws, now, leaseMs);
    },
    settle(reservation: Reservation, actual: number[], now: number): Crossing[] {
      settled.push([...actual]);
      return inner.settle(reservation, actual, now);
    },
    usage: (rules, now) => inner.usage(rules, now),
    close: () => inner.close(),
  };
  return { store, reserved, settled };
}

let ring: KeyRing | undefined;
afterEach(() => ring?.close());

function setUp(options: { mode?: 'open' | 'keys' } = {}) {
  const config = gatewayConfig();
  let now = NOW;
  ring = createKeyRing({ store: createMemoryAccessStore(), now: () => now, pollMs: 3_600_000 });
  ring.seed(keys(), [team({ rpm: 6_000 })]);
  const limits = recording();
  const control = createAccessControl({ mode: options.mode ?? 'keys', ring, limits: config.limits, store: limits.store, catalog: config.catalog, now: () => now });
  return {
    control,
    ring,
    limits,
    config,
    setNow(at: number) {
      now = at;
    },
  };
}

function contextFor(credential?: string): RequestContext {
  return { requestId: 'request-1', ingress: 'openai', cancel: undefined as never, ...(credential === undefined ? {} : { credential }) };
}

function authenticated(control: AccessControl, credential: string | undefined): KeyPrincipal | undefined {
  const principal = control.authenticate(contextFor(credential));
  if (principal instanceof Promise) throw new Error('a seeded key is checked synchronously');
  return principal as KeyPrincipal | undefined;
}

function exchangeFor(setup: ReturnType<typeof setUp>, credential: string | undefined, route = 'chat', endpoint: 'chat' | 'embeddings' = 'chat'): Exchange {
  const context = contextFor(credential);
  const principal = credential === undefined ? undefined : authenticated(setup.control, credential);
  return { context, record: { start: { endpoint } }, route: setup.config.catalog.routes.get(route)!, deadline: NOW + 300_000, principal } as unknown as Exchange;
}

const needs = (input = 100, maxOutput?: number): RequestNeeds => ({ capabilities: ['chat'], estimatedInputTokens: input, inputTokenBound: input * 2, ...(maxOutput === undefined ? {} : { maxOutputTokens: maxOutput }) }) as RequestNeeds;

function admit(setup: ReturnType<typeof setUp>, exchange: Exchange, size = needs()) {
  const admission = setup.control.admit!(exchange, size);
  if (admission instanceof Promise) throw new Error('the memory store admits synchronously');
  return admission;
}

const errorCode = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof JunctionError) return error.code;
    throw error;
  }
  return 'none';
};

describe('authenticate', () => {
  it('gives the key’s principal, with its team, synchronously', () => {
    const { control } = setUp();
    const principal = authenticated(control, full.key)!;
    expect(principal).toMatchObject({ id: 'full', team: 'eng', key: { id: 'full', tier: 'premium' }, teamRecord: { id: 'eng' } });
    expect(authenticated(control, plain.key)).toMatchObject({ id: 'plain' });
    expect(authenticated(control, plain.key)!.team).toBeUndefined();
  });

  it.each([
    ['no key', undefined, 'missing_api_key'],
    ['an empty key', '', 'missing_api_key'],
    ['not a key', 'sk-something', 'invalid_api_key'],
    ['a key with a wrong character', `${full.key.slice(0, -1)}!`, 'invalid_api_key'],
    ['an expired key', expired.key, 'api_key_expired'],
    ['a revoked key', revoked.key, 'api_key_revoked'],
  ])('refuses %s with %s', (_, credential, code) => {
    const { control } = setUp();
    expect(errorCode(() => control.authenticate(contextFor(credential)))).toBe(code);
  });

  it('refuses a well-formed key the ring does not know (after asking the store)', async () => {
    const { control } = setUp();
    await expect(Promise.resolve().then(() => control.authenticate(contextFor(generateKey().key)))).rejects.toMatchObject({ code: 'invalid_api_key' });
  });

  it('answers nobody in open mode', () => {
    const { control } = setUp({ mode: 'open' });
    expect(control.authenticate(contextFor(full.key))).toBeUndefined();
  });
});

describe('admit', () => {
  it('draws on the key’s, its team’s, the route’s and the gateway’s counters, in that order, with the request’s size', () => {
    const setup = setUp();
    admit(setup, exchangeFor(setup, full.key), needs(100, 500));
    const [draws] = setup.limits.reserved;
    // Premium doubles the key's rates; tokens reserved are input + max output; budgets reserve
    // the dearest deployment's cost of the input bound and max output, in nano-dollars.
    const cost = Math.ceil(((200 * 10 + 500 * 30) / 1e6) * 1e9 - 1e-6);
    expect(draws).toEqual([
      { rule: { kind: 'rate', key: 'key:full:rpm', perMinute: 1_200, capacity: 20 }, amount: 1 },
      { rule: { kind: 'rate', key: 'key:full:tpm', perMinute: 200_000, capacity: 200_000 }, amount: 600 },
      { rule: { kind: 'quota', key: 'key:full:usd:2026-12', limit: 10e9, windowEnd: Date.parse('2027-01-01T00:00:00Z'), alertAt: [0.8, 0.95] }, amount: cost },
      { rule: { kind: 'rate', key: 'team:eng:rpm', perMinute: 6_000, capacity: 100 }, amount: 1 },
      { rule: { kind: 'quota', key: 'team:eng:usd:week-2026-11-30', limit: 100e9, windowEnd: Date.parse('2026-12-07T00:00:00Z'), alertAt: [0.8, 0.95] }, amount: cost },
      { rule: { kind: 'rate', key: 'route:chat:rpm', perMinute: 1_000, capacity: 17 }, amount: 1 },
      { rule: { kind: 'quota', key: 'route:chat:usd:2026-12-05', limit: 50e9, windowEnd: Date.parse('2026-12-06T00:00:00Z'), alertAt: [0.8, 0.95] }, amount: cost },
      { rule: { kind: 'quota', key: 'global:gateway:usd:2026-12', limit: 1_000e9, windowEnd: Date.parse('2027-01-01T00:00:00Z'), alertAt: [0.8, 0.95] }, amount: cost },
    ]);
  });

  it('reserves the configured output cap when the request sets none, and draws again with each request’s own size', () => {
    const setup = setUp();
    admit(setup, exchangeFor(setup, full.key), needs(100));
    admit(setup, exchangeFor(setup, full.key), needs(10, 20));
    const [first, second] = setup.limits.reserved;
    expect(first[1]!.amount).toBe(100 + 4_096);
    expect(second[1]!.amount).toBe(30);
    expect(second[2]!.amount).toBe(Math.ceil(((20 * 10 + 20 * 30) / 1e6) * 1e9 - 1e-6));
    expect(second.map((draw) => draw.rule)).toEqual(first.map((draw) => draw.rule));
  });

  it('quotes the key’s per-minute request and token counters in x-ratelimit-* headers', () => {
    const setup = setUp();
    const exchange = exchangeFor(setup, full.key);
    admit(setup, exchange, needs(100, 500));
    expect(exchange.context.responseHeaders).toEqual({
      'x-ratelimit-limit-requests': '1200',
      'x-ratelimit-remaining-requests': '19',
      'x-ratelimit-reset-requests': '0.05s',
      'x-ratelimit-limit-tokens': '200000',
      'x-ratelimit-remaining-tokens': '199400',
      'x-ratelimit-reset-tokens': '0.18s',
    });
  });

  it('settles each counter with what the request really used', () => {
    const setup = setUp();
    const admission = admit(setup, exchangeFor(setup, full.key), needs(100, 500))!;
    admission.settle({ inputTokens: 80, outputTokens: 20, costUsd: 0.0012, attempts: [{ deployment: 'large', costUsd: 0.0012 }] } as unknown as LedgerEntry);
    expect(setup.limits.settled).toEqual([[1, 100, 1_200_000, 1, 1_200_000, 1, 1_200_000, 1_200_000]]);
  });

  it('draws on the new limits once a key’s or its team’s record changes', () => {
    const setup = setUp();
    admit(setup, exchangeFor(setup, full.key));
    setup.ring.seed(keys({ rpm: 60 }), [team({ rpm: 6_000, tpm: 1_000_000 }, 1)]);
    admit(setup, exchangeFor(setup, full.key));
    const [before, after] = setup.limits.reserved.map((draws) => draws.map((draw) => draw.rule.key));
    expect(before.slice(0, 4)).toEqual(['key:full:rpm', 'key:full:tpm', 'key:full:usd:2026-12', 'team:eng:rpm']);
    expect(after.slice(0, 4)).toEqual(['key:full:rpm', 'key:full:usd:2026-12', 'team:eng:rpm', 'team:eng:tpm']);
    expect(setup.limits.reserved[1]![0]!.rule).toMatchObject({ perMinute: 120 });
  });

  it('counts against the new calendar window from the instant it starts', () => {
    const setup = setUp();
    setup.setNow(Date.parse('2026-12-31T23:59:59.999Z'));
    admit(setup, exchangeFor(setup, full.key));
    setup.setNow(Date.parse('2027-01-01T00:00:00Z'));
    admit(setup, exchangeFor(setup, full.key));
    const budgetKeys = setup.limits.reserved.map((draws) => draws.filter((draw) => draw.rule.kind === 'quota').map((draw) => draw.rule.key));
    expect(budgetKeys).toEqual([
      ['key:full:usd:2026-12', 'team:eng:usd:week-2026-12-28', 'route:chat:usd:2026-12-31', 'global:gateway:usd:2026-12'],
      ['key:full:usd:2027-01', 'team:eng:usd:week-2026-12-28', 'route:chat:usd:2027-01-01', 'global:gateway:usd:2027-01'],
    ]);
    expect(setup.limits.reserved[1]![2]!.rule).toMatchObject({ windowEnd: Date.parse('2027-02-01T00:00:00Z') });
  });

  it('refuses a key outside its scopes or routes before drawing anything', () => {
    const setup = setUp();
    expect(errorCode(() => admit(setup, exchangeFor(setup, plain.key, 'chat')))).toBe('permission_denied');
    expect(errorCode(() => admit(setup, exchangeFor(setup, plain.key, 'other', 'embeddings')))).toBe('permission_denied');
    expect(setup.limits.reserved).toEqual([]);
    expect(errorCode(() => admit(setup, exchangeFor(setup, plain.key, 'other')))).toBe('none');
  });

  it('refuses once a counter is spent, saying which, and draws nothing more', async () => {
    const setup = setUp();
    // Premium: twice the key's rate and burst, so two requests fit and the third does not.
    setup.ring.seed(keys({ rpm: 1, burst: 1 }), [team({})]);
    admit(setup, exchangeFor(setup, full.key));
    admit(setup, exchangeFor(setup, full.key));
    const exchange = exchangeFor(setup, full.key);
    expect(errorCode(() => admit(setup, exchange))).toBe('rate_limit_exceeded');
    expect(exchange.context.responseHeaders).toMatchObject({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '0' });
    const [rpm] = setup.limits.reserved[0]!.map((draw) => draw.rule);
    expect(setup.limits.reserved).toHaveLength(3);
    expect(await setup.limits.store.usage([rpm!], NOW)).toEqual([{ used: 2, reserved: 0 }]);
  });
});
