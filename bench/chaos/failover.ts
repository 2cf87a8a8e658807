/**
 * Figure (a): failover under open-loop load. A route of two deployments with the default
 * retry and breaker policies; after a steady phase the primary is taken down in the simulator.
 * Reported: time from the outage to the first answer served by the secondary, time until the
 * primary's breaker opened, and the share of requests in the window after the outage that saw
 * extra latency (above the steady phase's p99) or an error.
 */
import { seededRandom, startSimulator, type ModelBehaviour } from '../../src/simulator';
import { latencyOf, runOpenLoop, type Shot } from './open-loop';
import { summariseLatencies, type LatencySummary } from './percentiles';
import { benchDeployment, startBenchJunction } from './start-junction';

/**
 * How the primary dies: 503 with Retry-After (a deployment taken down), connections reset, or
 * silence (it accepts requests and never answers; measured with streams, where the default
 * first-byte timeout applies).
 */
export type OutageKind = 'down' | 'reset' | 'silent';

export interface FailoverOptions {
  outage: OutageKind;
  ratePerSecond: number;
  steadyMs: number;
  windowMs: number;
  seed: number;
}

export interface FailoverFigures {
  outage: OutageKind;
  ratePerSecond: number;
  steadyP99Ms: number;
  /** From the outage to the first answer that came from the secondary (its arrival at the client). */
  firstServedBySecondaryMs: number | null;
  /** From the outage until the primary's breaker first opened. */
  breakerOpenedMs: number | null;
  window: { requests: number; affected: number; affectedShare: number; errors: number; latency: LatencySummary };
  /** Of the window, the requests scheduled in its first second: where the failover itself shows. */
  firstSecond: { requests: number; affected: number };
  /** Requests that reached the dead primary during the window (retries and half-open probes included). */
  primaryCallsInWindow: number;
}

const LATENCY: ModelBehaviour = { latencyMs: { p50: 20, p99: 50 } };
const OUTAGES: Record<OutageKind, Partial<ModelBehaviour>> = { down: { down: true }, reset: { resetRate: 1 }, silent: { hangRate: 1 } };

export async function measureFailover(options: FailoverOptions): Promise<FailoverFigures> {
  const simulator = await startSimulator({ models: { primary: LATENCY, secondary: LATENCY }, random: seededRandom(options.seed) });
  const junction = await startBenchJunction({
    // Two providers (as failover between vendors is), so each has its own connection pool: a
    // silent primary's held connections do not queue the secondary's requests behind them.
    providers: {
      first: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'bench', timeoutMs: 5_000 },
      second: { kind: 'openai', baseUrl: `${simulator.url}/v1`, apiKey: 'bench', timeoutMs: 5_000 },
    },
    deployments: { primary: benchDeployment('first', 'primary'), secondary: benchDeployment('second', 'secondary') },
    // Default retry and breaker policies: the figures describe what a user gets out of the box.
    routes: { failover: { deployments: ['primary'], secondary: ['secondary'] } },
  });
  let outageEpoch = 0;
  let primaryCallsAtOutage = 0;
  let breakerOpenedEpoch: number | undefined;
  const watch = setInterval(() => {
    const breaker = junction.services.store.snapshot('primary', Date.now()).breaker;
    if (breakerOpenedEpoch === undefined && breaker.status !== 'closed' && breaker.openedAt !== undefined) breakerOpenedEpoch = breaker.openedAt;
  }, 1);
  try {
    const run = await runOpenLoop({
      url: junction.url,
      route: 'failover',
      ratePerSecond: options.ratePerSecond,
      durationMs: options.steadyMs + options.windowMs,
      requestTimeoutMs: 10_000,
      stream: options.outage === 'silent',
      at: {
        offsetMs: options.steadyMs,
        action: () => {
          outageEpoch = Date.now();
          primaryCallsAtOutage = simulator.stats().byModel.primary?.requests ?? 0;
          simulator.patchBehaviour('primary', OUTAGES[options.outage]);
        },
      },
    });
    const outageAt = run.actionAt ?? run.startedAt + options.steadyMs;
    return {
      outage: options.outage,
      ratePerSecond: options.ratePerSecond,
      ...figures(run.shots, run.startedAt, outageAt, options),
      breakerOpenedMs: breakerOpenedEpoch === undefined ? null : breakerOpenedEpoch - outageEpoch,
      primaryCallsInWindow: (simulator.stats().byModel.primary?.requests ?? 0) - primaryCallsAtOutage,
    };
  } finally {
    clearInterval(watch);
    await junction.close();
    await simulator.close();
  }
}

function figures(shots: Shot[], startedAt: number, outageAt: number, options: FailoverOptions) {
  // The first half second warms connections and health averages; it is not "steady".
  const steady = shots.filter((shot) => shot.scheduledAt >= startedAt + 500 && shot.scheduledAt < outageAt && shot.status === 200);
  const steadyP99Ms = summariseLatencies(steady.map(latencyOf)).p99;
  const window = shots.filter((shot) => shot.scheduledAt >= outageAt && shot.scheduledAt < outageAt + options.windowMs);
  const failed = (shot: Shot) => shot.status !== 200;
  const isAffected = (shot: Shot) => failed(shot) || latencyOf(shot) > steadyP99Ms;
  const affected = window.filter(isAffected).length;
  const firstSecond = window.filter((shot) => shot.scheduledAt < outageAt + 1_000);
  const bySecondary = shots.filter((shot) => shot.deployment === 'secondary' && shot.endedAt >= outageAt).map((shot) => shot.endedAt - outageAt);
  return {
    steadyP99Ms,
    firstServedBySecondaryMs: bySecondary.length === 0 ? null : Math.min(...bySecondary),
    window: {
      requests: window.length,
      affected,
      affectedShare: window.length === 0 ? 0 : affected / window.length,
      errors: window.filter(failed).length,
      latency: summariseLatencies(window.map(latencyOf)),
    },
    firstSecond: { requests: firstSecond.length, affected: firstSecond.filter(isAffected).length },
  };
}
