/**
 * Chaos: streams broken after their first byte, and callers who leave mid-stream. A stream
 * either completes (resumed on another deployment) or ends with an error the client SDK
 * raises; it never ends silently short.
 */
import { describe, expect, it } from 'vitest';
import { anthropicStream, eventually, expectServed, headerOf, ledgerRows, openaiStream, withChaos, type Chaos } from './support';

const cutting = {
  deployments: { primary: {}, backup: {} },
  // Long enough replies that half of one is a real partial answer.
  models: { primary: { midStreamCutRate: 1, replyTokens: 40 } },
};

/** What the backup was sent as the assistant's partial answer, per resumed request, oldest first. */
function resumedPrefixes(chaos: Chaos): string[] {
  return chaos.harness.simulator
    .received()
    .filter((request) => request.model === 'backup')
    .map((request) => (request.body as { messages: Array<{ role: string; content: string }> }).messages.at(-1)!)
    .filter((message) => message.role === 'assistant')
    .map((message) => message.content);
}

describe('chaos: mid-stream cut with streamResume', () => {
  it('continues a cut stream on the backup with the partial answer as prefix: the client gets a complete stream and both attempts are costed', async () => {
    await withChaos({ ...cutting, routes: { resume: { deployments: ['primary', 'backup'], retry: { attempts: 0 }, streamResume: true } } }, async (chaos) => {
      const viaOpenai = await openaiStream(chaos, 'resume');
      const viaAnthropic = await anthropicStream(chaos, 'resume');
      expectServed([viaOpenai, viaAnthropic]);
      expect([viaOpenai.finish, viaAnthropic.finish]).toEqual(['stop', 'end_turn']);
      // Headers went out with the first byte, from the deployment that started the answer.
      expect(headerOf([viaOpenai, viaAnthropic], 'x-junction-deployment')).toEqual(['primary', 'primary']);

      const prefixes = resumedPrefixes(chaos);
      expect(prefixes).toHaveLength(2);
      for (const [index, result] of [viaOpenai, viaAnthropic].entries()) {
        expect(prefixes[index].length).toBeGreaterThan(0);
        expect(result.text.startsWith(prefixes[index])).toBe(true);
        expect(result.text.length).toBeGreaterThan(prefixes[index].length);
      }

      const rows = await ledgerRows(chaos);
      for (const result of [viaOpenai, viaAnthropic]) {
        const row = rows.get(result.id)!;
        expect(row).toMatchObject({ status: 200, fallbackTier: 'resumed', deployment: 'backup' });
        expect(row.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
          ['primary', 'error', 'upstream_stream_truncated'],
          ['backup', 'success', null],
        ]);
        for (const attempt of row.attempts) expect(attempt.costUsd).toBeGreaterThan(0);
        expect(row.costUsd).toBeCloseTo(row.attempts[0].costUsd + row.attempts[1].costUsd, 10);
        expect(row.finishReason).toBeDefined();
      }
    });
  });
});

describe('chaos: mid-stream cut without resume', () => {
  it('ends the stream with an error both SDKs raise, after the partial text, and tries no other deployment', async () => {
    await withChaos({ ...cutting, routes: { cut: { deployments: ['primary', 'backup'], retry: { attempts: 0 } } } }, async (chaos) => {
      const viaOpenai = await openaiStream(chaos, 'cut');
      const viaAnthropic = await anthropicStream(chaos, 'cut');
      for (const result of [viaOpenai, viaAnthropic]) {
        expect(result.error).toBeDefined();
        expect(result.text.length).toBeGreaterThan(0);
        expect(result.finish ?? null).toBeNull();
      }
      expect(String(viaOpenai.error)).toMatch(/upstream_stream_truncated|ended before its finish/);
      expect(chaos.upstream('backup')).toBe(0);

      const rows = await ledgerRows(chaos);
      for (const result of [viaOpenai, viaAnthropic]) {
        const row = rows.get(result.id)!;
        expect(row.errorCode).toBe('upstream_stream_truncated');
        // The 200 and part of the answer went out; the error code says the stream then broke.
        expect(row.status).toBe(200);
        expect(row.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([['primary', 'error']]);
      }
    });
  });
});

describe('chaos: client disconnect mid-stream', () => {
  it.each(['openai', 'anthropic'] as const)('aborts the upstream when the %s client goes away, falls back nowhere, and records a 499', async (client) => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        // Ten seconds of streaming: the caller is gone long before it would end.
        models: { primary: { replyTokens: 400, tokensPerSecond: 40 } },
        routes: { leave: { deployments: ['primary', 'backup'], retry: { attempts: 0 } } },
      },
      async (chaos) => {
        const leaveEarly = (text: string, abort: () => void) => {
          if (text.length > 0) abort();
        };
        const result = client === 'openai' ? await openaiStream(chaos, 'leave', { onChunk: leaveEarly }) : await anthropicStream(chaos, 'leave', { onText: leaveEarly });
        expect(result.text.length).toBeGreaterThan(0);
        expect(result.finish ?? null).toBeNull();

        await eventually(() => chaos.aborted('primary') === 1, 'the upstream to see the abort');
        const row = await eventually(async () => (await chaos.harness.junction.ledger.query()).find((entry) => entry.requestId === result.id), 'the ledger row');
        expect(row).toMatchObject({ status: 499, errorCode: 'client_closed', stream: true });
        expect(row.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([['primary', 'aborted']]);
        expect(chaos.upstream('backup')).toBe(0);
        await ledgerRows(chaos);
      },
    );
  });
});
