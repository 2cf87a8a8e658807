/**
 * Chaos: an upstream that accepts requests and never answers. Without hedging, the request
 * falls back after the first-byte timeout, not the attempt timeout: `auto` for streams (the
 * default), a configured number for whole answers too. The attempt timeout here is 15 s, so a
 * request that waited for it would outlast the test's own timeout.
 */
import { describe, expect, it } from 'vitest';
import { AUTO_FIRST_BYTE_FLOOR_MS } from '../../src/routing/first-byte-timeout';
import { eventually, expectServed, headerOf, ledgerRows, openaiChat, openaiStream, withChaos } from './support';

const ATTEMPT_TIMEOUT_MS = 15_000;

describe('chaos: an upstream that never answers', () => {
  it('a stream falls back after the automatic first-byte timeout, and the silence counts against the deployment', async () => {
    await withChaos(
      {
        deployments: { silent: {}, steady: {} },
        models: { silent: { hangRate: 1 } },
        routes: { interactive: { deployments: ['silent', 'steady'], retry: { attempts: 0 }, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS } },
      },
      async (chaos) => {
        const results = [await openaiStream(chaos, 'interactive'), await openaiStream(chaos, 'interactive')];
        expectServed(results);
        expect(headerOf(results, 'x-junction-deployment')).toEqual(['steady', 'steady']);
        const rows = await ledgerRows(chaos);
        for (const result of results) {
          const [silent, steady] = rows.get(result.id)!.attempts;
          expect([silent.deployment, silent.outcome, silent.errorCode]).toEqual(['silent', 'error', 'upstream_timeout']);
          expect(steady).toMatchObject({ deployment: 'steady', outcome: 'success' });
          // Given up on at the first-byte timeout (a short prompt: the floor plus a step), far short of the attempt timeout.
          expect(silent.latencyMs).toBeGreaterThanOrEqual(AUTO_FIRST_BYTE_FLOOR_MS);
          expect(silent.latencyMs).toBeLessThan(ATTEMPT_TIMEOUT_MS / 5);
        }
        expect(chaos.harness.junction.services.store.snapshot('silent', Date.now()).consecutiveFailures).toBe(2);
      },
    );
  });

  it('a whole answer falls back after a configured first-byte timeout', async () => {
    await withChaos(
      {
        deployments: { silent: {}, steady: {} },
        models: { silent: { hangRate: 1 } },
        routes: { bounded: { deployments: ['silent', 'steady'], retry: { attempts: 0 }, attemptTimeoutMs: ATTEMPT_TIMEOUT_MS, firstByteTimeoutMs: 200 } },
      },
      async (chaos) => {
        const result = await openaiChat(chaos, 'bounded');
        expectServed([result]);
        expect(result.headers?.get('x-junction-deployment')).toBe('steady');
        const row = await eventually(async () => (await ledgerRows(chaos)).get(result.id), 'the ledger row');
        const [silent] = row.attempts;
        expect([silent.deployment, silent.errorCode]).toEqual(['silent', 'upstream_timeout']);
        expect(silent.latencyMs).toBeGreaterThanOrEqual(200);
        expect(silent.latencyMs).toBeLessThan(ATTEMPT_TIMEOUT_MS / 5);
      },
    );
  });
});
