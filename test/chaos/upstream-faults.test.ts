/**
 * Chaos: one deployment misbehaving in a particular way (429s, a closed port, resets, hangs,
 * broken 200s). Each time the caller is served by the next deployment and the ledger says
 * what went wrong with the first.
 */
import { describe, expect, it } from 'vitest';
import type { ModelBehaviour } from '../../src/simulator';
import {
  anthropicStream,
  breakerOf,
  closedPortUrl,
  eventually,
  expectServed,
  fire,
  headerOf,
  ledgerRows,
  openaiChat,
  openaiStream,
  untilRetryable,
  withChaos,
} from './support';

const twoDeep = (extra: Record<string, unknown> = {}) => ({ deployments: ['primary', 'backup'], retry: { attempts: 0 }, ...extra });

describe('chaos: rate-limit exhaustion with Retry-After', () => {
  it('cools the primary down for Retry-After without opening its breaker, serves from the backup meanwhile, and returns to the primary after', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        models: { primary: { errorRates: { '429': 1 }, retryAfterSeconds: 1 } },
        routes: { limited: twoDeep() },
      },
      async (chaos) => {
        const limited = await fire(5, 1, () => openaiChat(chaos, 'limited'));
        expect(chaos.upstream('primary')).toBe(1);
        const health = chaos.harness.junction.services.store.snapshot('primary', Date.now());
        expect(health.coolingDownUntil).toBeDefined();
        expect(health.breaker.status).toBe('closed');
        expect(health.consecutiveFailures).toBe(0);

        chaos.harness.simulator.patchBehaviour('primary', { errorRates: undefined });
        await untilRetryable(chaos, 'primary');
        const after = await fire(2, 1, () => openaiChat(chaos, 'limited'));

        expectServed([...limited, ...after]);
        expect(headerOf(limited, 'x-junction-deployment')).toEqual(Array(5).fill('backup'));
        expect(headerOf(limited, 'x-junction-attempts')).toEqual(['2', '1', '1', '1', '1']);
        expect(headerOf(after, 'x-junction-deployment')).toEqual(['primary', 'primary']);

        const rows = await ledgerRows(chaos);
        expect(rows.get(limited[0].id)!.attempts[0]).toMatchObject({ deployment: 'primary', outcome: 'error', errorCode: 'upstream_rate_limited', upstreamStatus: 429 });
        expect(rows.get(limited[1].id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['backup']);
      },
    );
  });
});

describe('chaos: connection refused', () => {
  it('moves past a deployment whose port is closed, then stops trying it once its breaker opens', async () => {
    const refusedUrl = await closedPortUrl();
    await withChaos(
      {
        providers: { 'closed-port': { kind: 'openai', baseUrl: `${refusedUrl}/v1`, apiKey: 'x' } },
        deployments: { primary: { provider: 'closed-port' }, backup: {} },
        routes: { refused: twoDeep({ breaker: { consecutiveFailures: 2, cooldownMs: 60_000 } }) },
      },
      async (chaos) => {
        const results = await fire(5, 1, () => openaiChat(chaos, 'refused'));
        expectServed(results);
        expect(headerOf(results, 'x-junction-deployment')).toEqual(Array(5).fill('backup'));
        expect(headerOf(results, 'x-junction-attempts')).toEqual(['2', '2', '1', '1', '1']);
        expect(breakerOf(chaos, 'primary').status).toBe('open');
        const rows = await ledgerRows(chaos);
        expect(rows.get(results[0].id)!.attempts[0]).toMatchObject({ deployment: 'primary', outcome: 'error', errorCode: 'upstream_connection' });
      },
    );
  });
});

describe('chaos: connection reset', () => {
  it('falls back transparently for streams whose upstream drops the connection before answering, for both clients', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: { provider: 'sim-anthropic' } },
        models: { primary: { resetRate: 1 } },
        routes: { reset: twoDeep({ breaker: { consecutiveFailures: 3, cooldownMs: 60_000 } }) },
      },
      async (chaos) => {
        const viaOpenai = await fire(3, 1, () => openaiStream(chaos, 'reset'));
        const viaAnthropic = await fire(2, 1, () => anthropicStream(chaos, 'reset'));
        const results = [...viaOpenai, ...viaAnthropic];
        expectServed(results);
        expect(results.map((result) => result.finish)).toEqual(['stop', 'stop', 'stop', 'end_turn', 'end_turn']);
        for (const result of results) expect(result.text.length).toBeGreaterThan(0);
        expect(headerOf(results, 'x-junction-deployment')).toEqual(Array(5).fill('backup'));
        expect(chaos.upstream('primary')).toBe(3);

        const rows = await ledgerRows(chaos);
        expect(rows.get(viaOpenai[0].id)!.attempts.map((attempt) => [attempt.deployment, attempt.errorCode ?? null])).toEqual([
          ['primary', 'upstream_connection'],
          ['backup', null],
        ]);
        expect(rows.get(viaAnthropic[1].id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['backup']);
      },
    );
  });
});

describe('chaos: upstream hang past the attempt timeout', () => {
  it('gives up on a hung upstream after attemptTimeoutMs, serves from the backup, and aborts the hung request', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        models: { primary: { hangRate: 1 } },
        routes: { hang: twoDeep({ attemptTimeoutMs: 150 }) },
      },
      async (chaos) => {
        const results = await fire(2, 2, () => openaiChat(chaos, 'hang'));
        expectServed(results);
        expect(headerOf(results, 'x-junction-deployment')).toEqual(['backup', 'backup']);
        await eventually(() => chaos.aborted('primary') === 2, 'the hung upstream requests to be aborted');
        const rows = await ledgerRows(chaos);
        for (const result of results) {
          expect(rows.get(result.id)!.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
            ['primary', 'error', 'upstream_timeout'],
            ['backup', 'success', null],
          ]);
        }
      },
    );
  });
});

describe.each<[string, ModelBehaviour]>([
  ['malformed JSON 200', { malformedJsonRate: 1 }],
  ['wrong-shape 200', { wrongShapeRate: 1 }],
])('chaos: %s', (_name, fault) => {
  it('treats the broken 200 as the deployment failing and serves plain and streamed requests from the backup', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        models: { primary: fault },
        routes: { broken: twoDeep() },
      },
      async (chaos) => {
        const plain = await openaiChat(chaos, 'broken');
        const streamed = await openaiStream(chaos, 'broken');
        const anthropic = await anthropicStream(chaos, 'broken');
        expectServed([plain, streamed, anthropic]);
        expect([plain.finish, streamed.finish, anthropic.finish]).toEqual(['stop', 'stop', 'end_turn']);
        expect(headerOf([plain, streamed, anthropic], 'x-junction-deployment')).toEqual(['backup', 'backup', 'backup']);

        const rows = await ledgerRows(chaos);
        for (const result of [plain, streamed, anthropic]) {
          const row = rows.get(result.id)!;
          expect(row.status).toBe(200);
          expect(row.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
            ['primary', 'error', 'upstream_bad_response'],
            ['backup', 'success', null],
          ]);
        }
      },
    );
  });
});
