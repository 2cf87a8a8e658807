/**
 * Chaos: upstream streams that end the way a finished stream ends (OpenAI `[DONE]`, Anthropic
 * `message_stop`, Gemini's clean end of body) but never said how the answer finished. Such a
 * stream is cut short like any other: before the first byte it falls back, after it it resumes
 * (streamResume) or ends with an error event the official clients raise. Never a finish
 * Junction did not see, and the usage the caller asked for agrees with the ledger.
 */
import { describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../src/ledger';
import type { UnfinishedAt } from '../../src/config/simulator-behaviour';
import { anthropicStream, expectServed, headerOf, ledgerRows, openaiStream, withChaos, type CallResult, type ChaosOptions } from './support';

const REPLY = 'one two three four five six seven eight nine ten eleven twelve';
/** What the caller has of the answer when the stream stops: the first simulated piece, or all of it. */
const SENT: Record<'early' | 'end', string> = { early: 'one two three ', end: REPLY };

/** Every upstream format with the fault; `backup` answers properly. */
function scenario(at: UnfinishedAt, routes: Record<string, unknown>): ChaosOptions {
  const unfinished = { reply: REPLY, unfinishedStreamRate: 1, unfinishedStreamAt: at };
  return {
    deployments: {
      primary: {},
      'claude-primary': { provider: 'sim-anthropic' },
      'gemini-primary': { provider: 'sim-gemini' },
      backup: {},
    },
    models: { primary: unfinished, 'claude-primary': unfinished, 'gemini-primary': unfinished },
    routes,
  };
}

const routesTo = (extra: Record<string, unknown>) => ({
  openai: { deployments: ['primary', 'backup'], retry: { attempts: 0 }, ...extra },
  anthropic: { deployments: ['claude-primary', 'backup'], retry: { attempts: 0 }, ...extra },
  gemini: { deployments: ['gemini-primary', 'backup'], retry: { attempts: 0 }, ...extra },
});

function attemptsOf(row: LedgerEntry): Array<[string, string, string | null]> {
  return row.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null]);
}

/** The caller got the partial answer and then an error its client raised; the ledger says the same. */
function expectCutShort(result: CallResult, row: LedgerEntry, deployment: string, text: string): void {
  expect(result.error, `${result.id} raised`).toBeDefined();
  expect(result.finish ?? null).toBeNull();
  expect(result.text).toBe(text);
  // The ledger names the deployment whose bytes the caller got, as the stream's headers did.
  expect(row).toMatchObject({ status: 200, errorCode: 'upstream_stream_truncated', deployment });
  expect(row.finishReason).toBeUndefined();
  expect(attemptsOf(row)).toEqual([[deployment, 'error', 'upstream_stream_truncated']]);
}

describe.each(['early', 'end'] as const)('chaos: the end marker without a finish reason (%s), no resume', (at) => {
  it('OpenAI caller, OpenAI upstream (pass-through): the client raises after the partial text, with the usage it asked for, and [DONE] is never forwarded', async () => {
    await withChaos(scenario(at, routesTo({})), async (chaos) => {
      const result = await openaiStream(chaos, 'openai', { includeUsage: true });
      // The client ignores everything after [DONE]: that it raised shows the upstream's [DONE] never reached it.
      expect(String(result.error)).toMatch(/upstream_stream_truncated|\[DONE\]/);
      const row = (await ledgerRows(chaos)).get(result.id)!;
      expectCutShort(result, row, 'primary', SENT[at]);
      // The usage chunk went out before the error event, with the figures the ledger bills.
      expect(result.usage).toEqual({ input: row.inputTokens, output: row.outputTokens });
      expect(row.outputTokens).toBeGreaterThan(0);
      expect(chaos.upstream('backup')).toBe(0);
    });
  });

  it.each(['anthropic', 'gemini'])('OpenAI caller, %s upstream (re-encoded): the client raises, with the usage it asked for', async (route) => {
    await withChaos(scenario(at, routesTo({})), async (chaos) => {
      const result = await openaiStream(chaos, route, { includeUsage: true });
      const row = (await ledgerRows(chaos)).get(result.id)!;
      expectCutShort(result, row, `${route === 'anthropic' ? 'claude' : 'gemini'}-primary`, SENT[at]);
      expect(result.usage).toEqual({ input: row.inputTokens, output: row.outputTokens });
    });
  });

  it.each(['openai', 'anthropic', 'gemini'])('Anthropic caller, %s upstream: the client raises, and no stop_reason is invented', async (route) => {
    await withChaos(scenario(at, routesTo({})), async (chaos) => {
      const result = await anthropicStream(chaos, route);
      const row = (await ledgerRows(chaos)).get(result.id)!;
      expectCutShort(result, row, route === 'openai' ? 'primary' : `${route === 'anthropic' ? 'claude' : 'gemini'}-primary`, SENT[at]);
      expect(chaos.upstream('backup')).toBe(0);
    });
  });
});

describe.each(['early', 'end'] as const)('chaos: the end marker without a finish reason (%s), streamResume', (at) => {
  it('continues on the backup: the caller gets the backup\'s real finish and the usage of both attempts, as the ledger records them', async () => {
    await withChaos(scenario(at, routesTo({ streamResume: true })), async (chaos) => {
      const viaOpenai = await openaiStream(chaos, 'openai', { includeUsage: true });
      const viaAnthropic = await anthropicStream(chaos, 'openai');
      expectServed([viaOpenai, viaAnthropic]);
      expect([viaOpenai.finish, viaAnthropic.finish]).toEqual(['stop', 'end_turn']);
      expect(headerOf([viaOpenai, viaAnthropic], 'x-junction-deployment')).toEqual(['primary', 'primary']);

      const rows = await ledgerRows(chaos);
      for (const result of [viaOpenai, viaAnthropic]) {
        // The partial answer, then the backup's continuation of it.
        expect(result.text.startsWith(SENT[at])).toBe(true);
        expect(result.text.length).toBeGreaterThan(SENT[at].length);
        const row = rows.get(result.id)!;
        expect(row).toMatchObject({ status: 200, fallbackTier: 'resumed', deployment: 'backup', finishReason: 'stop' });
        expect(row.errorCode).toBeUndefined();
        expect(attemptsOf(row)).toEqual([
          ['primary', 'error', 'upstream_stream_truncated'],
          ['backup', 'success', null],
        ]);
        expect(result.usage).toEqual({ input: row.inputTokens, output: row.outputTokens });
        expect(row.outputTokens).toBe(row.attempts[0].outputTokens + row.attempts[1].outputTokens);
        expect(row.attempts[0].outputTokens).toBeGreaterThan(0);
      }
    });
  });
});

describe('chaos: the end marker before any chunk', () => {
  it.each(['openai', 'anthropic', 'gemini'])('%s upstream: falls back to the backup before the first byte, for both clients', async (route) => {
    await withChaos(scenario('start', routesTo({})), async (chaos) => {
      const viaOpenai = await openaiStream(chaos, route, { includeUsage: true });
      const viaAnthropic = await anthropicStream(chaos, route);
      expectServed([viaOpenai, viaAnthropic]);
      expect([viaOpenai.finish, viaAnthropic.finish]).toEqual(['stop', 'end_turn']);
      expect(headerOf([viaOpenai, viaAnthropic], 'x-junction-deployment')).toEqual(['backup', 'backup']);

      const rows = await ledgerRows(chaos);
      const primary = route === 'openai' ? 'primary' : `${route === 'anthropic' ? 'claude' : 'gemini'}-primary`;
      for (const result of [viaOpenai, viaAnthropic]) {
        const row = rows.get(result.id)!;
        expect(row).toMatchObject({ status: 200, deployment: 'backup', finishReason: 'stop' });
        expect(row.errorCode).toBeUndefined();
        expect(attemptsOf(row)).toEqual([
          [primary, 'error', 'upstream_stream_truncated'],
          ['backup', 'success', null],
        ]);
        expect(result.usage).toEqual({ input: row.inputTokens, output: row.outputTokens });
      }
    });
  });
});
