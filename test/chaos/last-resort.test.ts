/**
 * Chaos: every deployment of a route down. The route's last resorts answer (a static text, or
 * the last good answer to the same request, both marked), and without them the caller gets a
 * 503 in its own API's shape naming each deployment and why it did not answer.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { anthropicMessage, anthropicStream, expectServed, headerOf, ledgerRows, openaiChat, openaiStream, withChaos } from './support';

const STATIC_TEXT = 'Junction is degraded right now; please try again in a minute.';
const bothDeployments = { a: {}, b: {} };
const bothDown = { a: { down: true }, b: { resetRate: 1 } };

describe('chaos: all deployments down, static last resort', () => {
  it('answers 200 with the static text, marked static, in both client formats', async () => {
    await withChaos(
      {
        deployments: bothDeployments,
        models: bothDown,
        routes: { fixed: { deployments: ['a', 'b'], retry: { attempts: 0 }, static: { message: STATIC_TEXT } } },
      },
      async (chaos) => {
        const results = [await openaiChat(chaos, 'fixed'), await openaiStream(chaos, 'fixed'), await anthropicMessage(chaos, 'fixed'), await anthropicStream(chaos, 'fixed')];
        expectServed(results);
        expect(results.map((result) => result.text)).toEqual(Array(4).fill(STATIC_TEXT));
        expect(results.map((result) => result.finish)).toEqual(['stop', 'stop', 'end_turn', 'end_turn']);
        expect(headerOf(results, 'x-junction-fallback-tier')).toEqual(Array(4).fill('static'));

        const rows = await ledgerRows(chaos);
        for (const result of results) {
          const row = rows.get(result.id)!;
          expect(row).toMatchObject({ status: 200, fallbackTier: 'static' });
          expect(row.attempts.map((attempt) => [attempt.deployment, attempt.errorCode])).toEqual([
            ['a', 'upstream_overloaded'],
            ['b', 'upstream_connection'],
          ]);
        }
      },
    );
  });
});

describe('chaos: all deployments down, stale-cache emergency tier', () => {
  it('serves the last good answer to an identical request, marked stale-cache, and a 503 for a request never answered', async () => {
    await withChaos(
      {
        deployments: bothDeployments,
        routes: { remembered: { deployments: ['a', 'b'], retry: { attempts: 0 }, emergency: { staleCache: true } } },
      },
      async (chaos) => {
        const fresh = await openaiChat(chaos, 'remembered', { content: 'What is the capital of France?' });
        for (const [model, behaviour] of Object.entries(bothDown)) chaos.harness.simulator.setBehaviour(model, behaviour);

        const stale = await openaiChat(chaos, 'remembered', { content: 'What is the capital of France?' });
        const staleStream = await openaiStream(chaos, 'remembered', { content: 'What is the capital of France?' });
        expectServed([fresh, stale, staleStream]);
        expect(fresh.headers?.get('x-junction-fallback-tier')).toBeNull();
        expect(fresh.text.length).toBeGreaterThan(0);
        expect(stale.text).toBe(fresh.text);
        expect(staleStream.text).toBe(fresh.text);
        expect(staleStream.finish).toBe('stop');
        expect(headerOf([stale, staleStream], 'x-junction-fallback-tier')).toEqual(['stale-cache', 'stale-cache']);

        const unseen = await openaiChat(chaos, 'remembered', { content: 'And of Italy?' });
        expect(unseen.error).toBeInstanceOf(OpenAI.APIError);
        expect((unseen.error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);

        const rows = await ledgerRows(chaos);
        expect(rows.get(stale.id)).toMatchObject({ status: 200, fallbackTier: 'stale-cache' });
        expect(rows.get(staleStream.id)).toMatchObject({ status: 200, fallbackTier: 'stale-cache' });
        expect(rows.get(unseen.id)).toMatchObject({ status: 503, errorCode: 'all_deployments_failed' });
      },
    );
  });
});

describe('chaos: all deployments down, no last resort', () => {
  it('answers 503 in the caller\'s shape listing each deployment and why: failed when tried, skipped when its breaker is open', async () => {
    await withChaos(
      {
        deployments: bothDeployments,
        models: bothDown,
        routes: { bare: { deployments: ['a', 'b'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 1, cooldownMs: 60_000 } } },
      },
      async (chaos) => {
        const tried = await openaiChat(chaos, 'bare');
        const error = tried.error as InstanceType<typeof OpenAI.APIError>;
        expect(error).toBeInstanceOf(OpenAI.APIError);
        expect(error.status).toBe(503);
        expect(error.code).toBe('all_deployments_failed');
        expect(error.message).toMatch(/a: upstream_overloaded/);
        expect(error.message).toMatch(/b: upstream_connection/);
        expect((error.error as { details: { attempts: Array<{ deployment: string; code: string }> } }).details.attempts.map((attempt) => [attempt.deployment, attempt.code])).toEqual([
          ['a', 'upstream_overloaded'],
          ['b', 'upstream_connection'],
        ]);

        // Both breakers are open now: nothing is tried, and the message says so per deployment.
        const skipped = await anthropicMessage(chaos, 'bare');
        const anthropicError = skipped.error as InstanceType<typeof Anthropic.APIError>;
        expect(anthropicError).toBeInstanceOf(Anthropic.APIError);
        expect(anthropicError.status).toBe(503);
        expect(anthropicError.error).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
        expect(anthropicError.message).toMatch(/a: not tried \(open until/);
        expect(anthropicError.message).toMatch(/b: not tried \(open until/);
        expect(chaos.upstream('a') + chaos.upstream('b')).toBe(2);

        for (const result of [tried, skipped]) expect(result.headers?.get('x-request-id')).toBe(result.id);
        const rows = await ledgerRows(chaos);
        expect(rows.get(tried.id)).toMatchObject({ status: 503, errorCode: 'all_deployments_failed' });
        expect(rows.get(skipped.id)).toMatchObject({ status: 503, errorCode: 'all_deployments_failed', attempts: [] });
      },
    );
  });
});
