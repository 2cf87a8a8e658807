/**
 * Chaos: deployments going away during a run. Traffic moves to what still works, the breaker
 * stops traffic to the dead deployment, and no caller sees an error while anything is up.
 */
import { describe, expect, it } from 'vitest';
import { anthropicMessage, breakerOf, expectServed, fire, headerOf, ledgerRows, openaiChat, withChaos } from './support';

// Long enough that an opened breaker stays open for the rest of the scenario.
const STAYS_OPEN = { cooldownMs: 60_000, maxCooldownMs: 60_000 };

describe('chaos: single outage', () => {
  it('serves everything from the secondary once the primary is down, and the open breaker keeps later requests off the primary', async () => {
    await withChaos(
      {
        deployments: { primary: {}, secondary: {} },
        routes: { outage: { deployments: ['primary'], secondary: ['secondary'], retry: { attempts: 0 }, breaker: { consecutiveFailures: 3, ...STAYS_OPEN } } },
      },
      async (chaos) => {
        const before = await fire(3, 1, () => openaiChat(chaos, 'outage'));
        chaos.harness.simulator.patchBehaviour('primary', { down: true });
        const during = await fire(8, 1, () => openaiChat(chaos, 'outage'));

        expectServed([...before, ...during]);
        expect(headerOf(before, 'x-junction-deployment')).toEqual(['primary', 'primary', 'primary']);
        expect(headerOf(during, 'x-junction-deployment')).toEqual(Array(8).fill('secondary'));
        expect(headerOf(during, 'x-junction-fallback-tier')).toEqual(Array(8).fill('secondary'));
        // Three failures trip the breaker; after that the primary is not even tried.
        expect(headerOf(during, 'x-junction-attempts')).toEqual(['2', '2', '2', '1', '1', '1', '1', '1']);
        expect(chaos.upstream('primary')).toBe(6);
        expect(breakerOf(chaos, 'primary').status).toBe('open');

        const rows = await ledgerRows(chaos);
        const first = rows.get(during[0].id)!;
        expect(first.attempts.map((attempt) => [attempt.deployment, attempt.outcome, attempt.errorCode ?? null])).toEqual([
          ['primary', 'error', 'upstream_overloaded'],
          ['secondary', 'success', null],
        ]);
        expect(first).toMatchObject({ status: 200, deployment: 'secondary', fallbackTier: 'secondary' });
        expect(rows.get(during[7].id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['secondary']);
      },
    );
  });
});

describe('chaos: cascading outages', () => {
  it('falls through primary, then secondary, to the local tier as each goes down, with no caller error', async () => {
    await withChaos(
      {
        deployments: { primary: {}, secondary: { provider: 'sim-anthropic' }, local: { provider: 'sim-compatible' } },
        routes: {
          cascade: {
            deployments: ['primary'],
            secondary: ['secondary'],
            local: ['local'],
            retry: { attempts: 0 },
            breaker: { consecutiveFailures: 2, ...STAYS_OPEN },
          },
        },
      },
      async (chaos) => {
        const { simulator } = chaos.harness;
        const phase = () => fire(6, 3, () => anthropicMessage(chaos, 'cascade'));
        const healthy = await phase();
        simulator.patchBehaviour('primary', { down: true });
        const primaryDown = await phase();
        const primaryCalls = chaos.upstream('primary');
        simulator.patchBehaviour('secondary', { resetRate: 1 });
        const bothDown = await phase();

        expectServed([...healthy, ...primaryDown, ...bothDown]);
        for (const result of [...healthy, ...primaryDown, ...bothDown]) expect(result.finish).toBe('end_turn');
        expect(new Set(headerOf(healthy, 'x-junction-deployment'))).toEqual(new Set(['primary']));
        expect(new Set(headerOf(primaryDown, 'x-junction-deployment'))).toEqual(new Set(['secondary']));
        expect(new Set(headerOf(bothDown, 'x-junction-deployment'))).toEqual(new Set(['local']));
        expect(new Set(headerOf(bothDown, 'x-junction-fallback-tier'))).toEqual(new Set(['local']));
        // The primary's breaker was already open: the last phase never called it.
        expect(chaos.upstream('primary')).toBe(primaryCalls);
        expect(breakerOf(chaos, 'primary').status).toBe('open');
        expect(breakerOf(chaos, 'secondary').status).toBe('open');

        const rows = await ledgerRows(chaos);
        expect(new Set(bothDown.map((result) => rows.get(result.id)!.fallbackTier))).toEqual(new Set(['local']));
        const failedOnSecondary = bothDown.flatMap((result) => rows.get(result.id)!.attempts).filter((attempt) => attempt.deployment === 'secondary');
        expect(failedOnSecondary.length).toBeGreaterThan(0);
        for (const attempt of failedOnSecondary) expect(attempt).toMatchObject({ outcome: 'error', errorCode: 'upstream_connection' });
      },
    );
  });
});

describe('chaos: partial degradation', () => {
  it('least-latency keeps traffic off a deployment that turns slow: at most one request pays for finding out', async () => {
    await withChaos(
      {
        deployments: { degrading: {}, steady: {} },
        models: { degrading: { latencyMs: { p50: 5, p99: 5 } }, steady: { latencyMs: { p50: 5, p99: 5 } } },
        routes: { latency: { deployments: ['degrading', 'steady'], strategy: 'least-latency', retry: { attempts: 0 }, overrides: { pin: true } } },
      },
      async (chaos) => {
        // Pinned warm-up: both deployments have a latency sample before the run.
        const warm = await fire(4, 1, (index) => openaiChat(chaos, 'latency', { headers: { 'x-junction-pin': index % 2 ? 'steady' : 'degrading' } }));
        // Slow enough that one sample puts it far outside the tolerance band, however noisy the fast one is.
        chaos.harness.simulator.patchBehaviour('degrading', { latencyMs: { p50: 250, p99: 250 } });
        const run = await fire(12, 1, () => openaiChat(chaos, 'latency'));

        expectServed([...warm, ...run]);
        const served = headerOf(run, 'x-junction-deployment');
        // Its old, fast average may win it one more request; the slow answer then rules it out.
        expect(served.filter((deployment) => deployment === 'degrading').length).toBeLessThanOrEqual(1);
        expect(served.filter((deployment) => deployment === 'steady').length).toBeGreaterThanOrEqual(11);
        expect(chaos.upstream('degrading')).toBeLessThanOrEqual(3);

        const rows = await ledgerRows(chaos);
        const last = rows.get(run.at(-1)!.id)!;
        expect(last.strategy).toBe('least-latency');
        expect(last.decisionReason).toMatch(/least latency/);
        expect(last.attempts).toHaveLength(1);
      },
    );
  });
});
