/**
 * Figure (b): latency with and without hedging against an upstream with a heavy tail (a seeded
 * share of answers many times slower). Two replicas of the same model; the route tries the
 * first and, when hedging, starts the second after the hedge delay. Reported per setting:
 * p50/p90/p99/max from the scheduled time, errors, how often the hedge won, and the extra
 * upstream load hedging caused.
 */
import { runOpenLoop, latencyOf } from './open-loop';
import { summariseLatencies, type LatencySummary } from './percentiles';
import { benchDeployment, startBenchJunction } from './start-junction';
import { startTailUpstream, type TailSpec } from './tail-upstream';

/** No hedging, the deployment's observed p95, or a fixed delay in milliseconds. */
export type HedgeSetting = { kind: 'none' } | { kind: 'p95' } | { kind: 'fixed'; delayMs: number };

export interface HedgingOptions {
  hedge: HedgeSetting;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  tail: TailSpec;
}

export interface HedgingFigures {
  hedge: string;
  ratePerSecond: number;
  requests: number;
  errors: number;
  latency: LatencySummary;
  /** Requests the hedge answered. */
  hedgeWon: number;
  /** Upstream requests beyond one per client request, as a share of client requests. */
  extraUpstreamLoad: number;
  /** Upstream answers cancelled because the other attempt won. */
  upstreamAborted: number;
  /** Requests the upstream drew into its slow tail. */
  upstreamSlow: number;
}

export function describeHedge(setting: HedgeSetting): string {
  return setting.kind === 'fixed' ? `fixed ${setting.delayMs} ms` : setting.kind === 'p95' ? 'p95 TTFT' : 'no hedging';
}

export async function measureHedging(options: HedgingOptions): Promise<HedgingFigures> {
  const upstream = await startTailUpstream(options.tail);
  const hedge = options.hedge.kind === 'none' ? {} : { hedge: options.hedge.kind === 'p95' ? { delayMs: 'p95', fallbackDelayMs: options.tail.baseMs * 3 } : { delayMs: options.hedge.delayMs } };
  const junction = await startBenchJunction({
    providers: { tail: { kind: 'openai', baseUrl: upstream.url, apiKey: 'bench', timeoutMs: 5_000 } },
    deployments: { 'replica-a': benchDeployment('tail', 'replica-a'), 'replica-b': benchDeployment('tail', 'replica-b') },
    routes: { tail: { deployments: ['replica-a', 'replica-b'], ...hedge } },
  });
  try {
    const load = { url: junction.url, route: 'tail', ratePerSecond: options.ratePerSecond, requestTimeoutMs: 10_000 };
    // The warm-up gives the p95 setting its samples and the connection pools their sockets.
    await runOpenLoop({ ...load, durationMs: options.warmupMs });
    const before = upstream.counts();
    const measuredSince = Date.now();
    const run = await runOpenLoop({ ...load, durationMs: options.durationMs });
    const after = upstream.counts();
    const upstreamRequests = total(after.byModel) - total(before.byModel);
    const rows = await junction.ledger.query({ since: measuredSince });
    return {
      hedge: describeHedge(options.hedge),
      ratePerSecond: options.ratePerSecond,
      requests: run.shots.length,
      errors: run.shots.filter((shot) => shot.status !== 200).length,
      latency: summariseLatencies(run.shots.map(latencyOf)),
      hedgeWon: rows.filter((row) => row.hedge === 'hedge-won').length,
      extraUpstreamLoad: run.shots.length === 0 ? 0 : upstreamRequests / run.shots.length - 1,
      upstreamAborted: after.aborted - before.aborted,
      upstreamSlow: after.slow - before.slow,
    };
  } finally {
    await junction.close();
    await upstream.close();
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}
