/**
 * Chaos: circuit breakers through a 5xx storm and the recovery after it. An open breaker keeps
 * traffic off the deployment; after the cool-down only the configured number of probes reach
 * it, however many requests arrive at once; a failed probe re-opens it, a good one closes it.
 */
import { describe, expect, it } from 'vitest';
import type { HealthSnapshot } from '../../src/routing/health';
import { breakerOf, eventually, expectServed, fire, headerOf, ledgerRows, openaiChat, untilRetryable, withChaos, type Chaos } from './support';

/** The primary's breaker as the operations API reports it over HTTP. */
async function breakerOverHttp(chaos: Chaos, deployment: string): Promise<HealthSnapshot['breaker']> {
  const response = await fetch(`${chaos.harness.url}/v1/providers`);
  const body = (await response.json()) as { data: HealthSnapshot[] };
  return body.data.find((entry) => entry.deployment === deployment)!.breaker;
}

describe('chaos: 5xx storm then recovery through half-open', () => {
  it('opens on the storm, re-opens on a failed probe, closes on a good one, and traffic returns', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        models: { primary: { errorRates: { '500': 0.5, '502': 0.5 } } },
        routes: {
          storm: {
            deployments: ['primary', 'backup'],
            retry: { attempts: 0 },
            breaker: { consecutiveFailures: 3, cooldownMs: 200, maxCooldownMs: 1_000, halfOpenProbes: 1 },
          },
        },
      },
      async (chaos) => {
        const storm = await fire(3, 1, () => openaiChat(chaos, 'storm'));
        expect(breakerOf(chaos, 'primary')).toMatchObject({ status: 'open', trips: 1 });
        const whileOpen = await fire(2, 1, () => openaiChat(chaos, 'storm'));
        expect(chaos.upstream('primary')).toBe(3);

        // Cool-down over, still broken: the one probe fails and the breaker re-opens for longer.
        await untilRetryable(chaos, 'primary');
        const failedProbe = await openaiChat(chaos, 'storm');
        expect(chaos.upstream('primary')).toBe(4);
        expect(await breakerOverHttp(chaos, 'primary')).toMatchObject({ status: 'open', trips: 2 });

        chaos.harness.simulator.patchBehaviour('primary', { errorRates: undefined });
        await untilRetryable(chaos, 'primary');
        const goodProbe = await openaiChat(chaos, 'storm');
        expect(chaos.upstream('primary')).toBe(5);
        expect(await breakerOverHttp(chaos, 'primary')).toMatchObject({ status: 'closed', trips: 0, probesInFlight: 0 });
        const recovered = await fire(3, 1, () => openaiChat(chaos, 'storm'));

        const all = [...storm, ...whileOpen, failedProbe, goodProbe, ...recovered];
        expectServed(all);
        expect(headerOf(all, 'x-junction-deployment')).toEqual([...Array(6).fill('backup'), ...Array(4).fill('primary')]);
        expect(headerOf(all, 'x-junction-attempts')).toEqual(['2', '2', '2', '1', '1', '2', '1', '1', '1', '1']);
        expect(chaos.upstream('primary')).toBe(8);

        const rows = await ledgerRows(chaos);
        for (const result of storm) expect(rows.get(result.id)!.attempts[0].errorCode).toBe('upstream_server_error');
        expect(rows.get(failedProbe.id)!.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([
          ['primary', 'error'],
          ['backup', 'success'],
        ]);
        expect(rows.get(goodProbe.id)!.attempts.map((attempt) => [attempt.deployment, attempt.outcome])).toEqual([['primary', 'success']]);
      },
    );
  });
});

describe('chaos: thundering herd on recovery', () => {
  it('lets only halfOpenProbes of a concurrent burst reach the recovering deployment; the rest go to the backup without error', async () => {
    const probes = 2;
    await withChaos(
      {
        deployments: { recovering: {}, backup: {} },
        models: { recovering: { errorRates: { '500': 1 } } },
        routes: {
          herd: {
            deployments: ['recovering', 'backup'],
            retry: { attempts: 0 },
            breaker: { consecutiveFailures: 2, cooldownMs: 200, halfOpenProbes: probes },
          },
        },
      },
      async (chaos) => {
        const trip = await fire(2, 1, () => openaiChat(chaos, 'herd'));
        expect(breakerOf(chaos, 'recovering').status).toBe('open');
        // Healthy again but slow, so the probes are still in flight while the whole burst arrives.
        chaos.harness.simulator.patchBehaviour('recovering', { errorRates: undefined, latencyMs: { p50: 300, p99: 300 } });
        await untilRetryable(chaos, 'recovering');

        const herd = await fire(20, 20, () => openaiChat(chaos, 'herd'));
        expectServed([...trip, ...herd]);
        const served = headerOf(herd, 'x-junction-deployment');
        expect(served.filter((deployment) => deployment === 'recovering')).toHaveLength(probes);
        expect(served.filter((deployment) => deployment === 'backup')).toHaveLength(20 - probes);
        expect(chaos.upstream('recovering')).toBe(2 + probes);
        expect(breakerOf(chaos, 'recovering')).toMatchObject({ status: 'closed', probesInFlight: 0 });

        chaos.harness.simulator.patchBehaviour('recovering', { latencyMs: undefined });
        const after = await openaiChat(chaos, 'herd');
        expectServed([after]);
        expect(after.headers?.get('x-junction-deployment')).toBe('recovering');

        const rows = await ledgerRows(chaos);
        for (const result of herd) {
          const attempts = rows.get(result.id)!.attempts;
          // A request turned away by the half-open breaker never reached the recovering upstream.
          expect(attempts).toHaveLength(1);
          expect(attempts[0]).toMatchObject({ outcome: 'success', deployment: result.headers?.get('x-junction-deployment') });
        }
      },
    );
  });
});

describe('chaos: active health checks', () => {
  it('find a dead deployment before any caller does, and close its breaker again once it recovers', async () => {
    await withChaos(
      {
        deployments: { primary: {}, backup: {} },
        models: { primary: { down: true } },
        healthChecks: { enabled: true, intervalMs: 20, timeoutMs: 1_000 },
        routes: {
          checked: {
            deployments: ['primary', 'backup'],
            retry: { attempts: 0 },
            breaker: { consecutiveFailures: 2, cooldownMs: 300, maxCooldownMs: 300 },
          },
        },
      },
      async (chaos) => {
        await eventually(() => breakerOf(chaos, 'primary').status === 'open', 'the health checks to open the breaker');
        const duringOutage = await fire(3, 1, () => openaiChat(chaos, 'checked'));

        chaos.harness.simulator.patchBehaviour('primary', { down: undefined });
        await eventually(() => breakerOf(chaos, 'primary').status === 'closed', 'a health-check probe to close the breaker');
        const recovered = await openaiChat(chaos, 'checked');

        expectServed([...duringOutage, recovered]);
        expect(headerOf(duringOutage, 'x-junction-deployment')).toEqual(['backup', 'backup', 'backup']);
        expect(headerOf(duringOutage, 'x-junction-attempts')).toEqual(['1', '1', '1']);
        expect(recovered.headers?.get('x-junction-deployment')).toBe('primary');
        const rows = await ledgerRows(chaos);
        // No caller paid for discovering the outage: no request ever tried the dead primary.
        for (const result of duringOutage) expect(rows.get(result.id)!.attempts.map((attempt) => attempt.deployment)).toEqual(['backup']);
      },
    );
  });
});
