/**
 * Chaos: requests that only some deployments can serve. A prompt too long for a deployment
 * goes elsewhere without calling it, an upstream's context-length refusal moves the request to
 * a larger window, and a caller's pin/exclude headers are honoured where the route allows them
 * and refused with a 400 where it does not.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { expectServed, headerOf, ledgerRows, openaiChat, withChaos } from './support';

// Comfortably over 64 tokens and far under every large window.
const LONG_PROMPT = Array.from({ length: 300 }, (_, index) => `word${index}`).join(' ');

describe('chaos: context-window fallback', () => {
  it('skips a deployment whose configured window is too small without calling it', async () => {
    await withChaos(
      {
        deployments: { small: { contextWindow: 64 }, large: {} },
        models: { small: { contextWindow: 64 } },
        routes: { sized: { deployments: ['small', 'large'], retry: { attempts: 0 } } },
      },
      async (chaos) => {
        const short = await openaiChat(chaos, 'sized', { content: 'hi' });
        const long = await openaiChat(chaos, 'sized', { content: LONG_PROMPT });
        expectServed([short, long]);
        expect(headerOf([short, long], 'x-junction-deployment')).toEqual(['small', 'large']);
        expect(chaos.upstream('small')).toBe(1);
        // Served by the primary tier's other deployment: no fallback happened.
        expect(long.headers?.get('x-junction-attempts')).toBe('1');

        const preview = await fetch(`${chaos.harness.url}/v1/routing/decision`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'sized', messages: [{ role: 'user', content: LONG_PROMPT }] }),
        });
        const decision = (await preview.json()) as { plan: Array<{ deployment: string }>; excluded: Array<{ deployment: string; reason: string }> };
        expect(decision.plan.map((step) => step.deployment)).toEqual(['large']);
        expect(decision.excluded).toEqual([expect.objectContaining({ deployment: 'small', reason: expect.stringMatching(/context window 64/) })]);

        const rows = await ledgerRows(chaos);
        expect(rows.get(long.id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['large']);
      },
    );
  });

  it('moves to a larger window when an upstream refuses the prompt as too long, skipping others no larger, and never retries the refusal', async () => {
    await withChaos(
      {
        // The config claims big windows for the first two; their upstreams know better.
        deployments: { optimist: {}, 'same-size': {}, huge: { contextWindow: 1_000_000 } },
        models: { optimist: { contextWindow: 64 }, 'same-size': { contextWindow: 64 } },
        routes: {
          refusing: { deployments: ['optimist', 'same-size', 'huge'], retry: { attempts: 2, baseDelayMs: 1 } },
          'too-long-everywhere': { deployments: ['same-size'], retry: { attempts: 0 } },
        },
      },
      async (chaos) => {
        const moved = await openaiChat(chaos, 'refusing', { content: LONG_PROMPT });
        expectServed([moved]);
        expect(moved.headers?.get('x-junction-deployment')).toBe('huge');
        expect(chaos.upstream('optimist')).toBe(1);
        expect(chaos.upstream('same-size')).toBe(0);
        // A prompt that is too long says nothing about the deployment's health.
        expect(chaos.harness.junction.services.store.snapshot('optimist', Date.now())).toMatchObject({ consecutiveFailures: 0, breaker: { status: 'closed' } });

        const nowhere = await openaiChat(chaos, 'too-long-everywhere', { content: LONG_PROMPT });
        const error = nowhere.error as InstanceType<typeof OpenAI.APIError>;
        expect(error).toBeInstanceOf(OpenAI.BadRequestError);
        expect(error.code).toBe('context_length_exceeded');

        const rows = await ledgerRows(chaos);
        expect(rows.get(moved.id)!.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
          ['optimist', 'error', 'context_length_exceeded'],
          ['huge', 'success', null],
        ]);
        expect(rows.get(nowhere.id)).toMatchObject({ status: 400, errorCode: 'context_length_exceeded' });
      },
    );
  });
});

describe('chaos: request overrides', () => {
  const routes = {
    open: { deployments: ['first', 'second'], retry: { attempts: 0 }, overrides: { pin: true, exclude: true } },
    locked: { deployments: ['first', 'second'], retry: { attempts: 0 }, overrides: { pin: false, exclude: false, strategy: false } },
  };

  it('honours x-junction-exclude and x-junction-pin where the route allows them, calling only what the caller chose', async () => {
    await withChaos({ deployments: { first: {}, second: {} }, routes }, async (chaos) => {
      const excluded = await openaiChat(chaos, 'open', { headers: { 'x-junction-exclude': 'first' } });
      const pinned = await openaiChat(chaos, 'open', { headers: { 'x-junction-pin': 'second' } });
      expectServed([excluded, pinned]);
      expect(headerOf([excluded, pinned], 'x-junction-deployment')).toEqual(['second', 'second']);
      expect(chaos.upstream('first')).toBe(0);

      // A pin is strict: with the pinned deployment down, the others are not tried behind the caller's back.
      chaos.harness.simulator.setBehaviour('second', { down: true });
      const pinnedDown = await openaiChat(chaos, 'open', { headers: { 'x-junction-pin': 'second' } });
      expect((pinnedDown.error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      expect(chaos.upstream('first')).toBe(0);

      const rows = await ledgerRows(chaos);
      expect(rows.get(pinned.id)!.decisionReason).toMatch(/pinned by the request/);
      expect(rows.get(excluded.id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['second']);
    });
  });

  it.each([
    ['x-junction-pin', 'second'],
    ['x-junction-exclude', 'first'],
    ['x-junction-strategy', 'cost'],
  ])('answers 400 naming %s when the route forbids it, calling no upstream', async (header, value) => {
    await withChaos({ deployments: { first: {}, second: {} }, routes }, async (chaos) => {
      const refused = await openaiChat(chaos, 'locked', { headers: { [header]: value } });
      const error = refused.error as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error.message).toContain(header);
      expect(error.param).toBe(header);
      expect(refused.headers?.get('x-request-id')).toBe(refused.id);
      expect(chaos.harness.simulator.stats().requests).toBe(0);
      const rows = await ledgerRows(chaos);
      expect(rows.get(refused.id)).toMatchObject({ status: 400, errorCode: 'invalid_request', attempts: [] });
    });
  });
});
