/**
 * How well a route spread its load over the window, as the router monitor of the routers design
 * describes: each deployment's share and latency; distribution efficiency (how close the split
 * is to an ideal one that gives faster, healthier deployments more); response-time variance
 * across deployments; and the mean latency the ideal split would have saved. The ideal split
 * is proportional to each deployment's success rate over its mean latency: simple, and it
 * needs nothing but what was measured.
 */
import type { WindowSummary } from './rolling-window';

export interface BalanceReport {
  route: string;
  requests: number;
  deployments: Array<{ deployment: string; share: number; idealShare: number; meanMs: number; successRate: number }>;
  /** 1 when the split is the ideal one, 0 when it is as far from it as can be. */
  efficiency: number;
  /** Variance of the deployments' mean latencies, weighted by their shares (ms²). */
  latencyVarianceMs2: number;
  meanMs: number;
  idealMeanMs: number;
  /** Mean latency the ideal split would have saved per request. */
  savedMsPerRequest: number;
}

export function balanceReport(route: string, rows: ReadonlyArray<{ deployment: string; window: WindowSummary }>): BalanceReport {
  const used = rows.filter((row) => row.window.requests > 0);
  const requests = used.reduce((sum, row) => sum + row.window.requests, 0);
  if (requests === 0) return { route, requests: 0, deployments: [], efficiency: 1, latencyVarianceMs2: 0, meanMs: 0, idealMeanMs: 0, savedMsPerRequest: 0 };
  const merit = used.map((row) => row.window.availability / Math.max(1, row.window.meanMs));
  const meritSum = merit.reduce((sum, value) => sum + value, 0);
  const deployments = used.map((row, index) => ({
    deployment: row.deployment,
    share: round(row.window.requests / requests),
    idealShare: round(merit[index]! / meritSum),
    meanMs: round(row.window.meanMs),
    successRate: round(row.window.availability),
  }));
  const distance = deployments.reduce((sum, row) => sum + Math.abs(row.share - row.idealShare), 0) / 2;
  const meanMs = used.reduce((sum, row) => sum + row.window.meanMs * row.window.requests, 0) / requests;
  const idealMeanMs = used.reduce((sum, row, index) => sum + row.window.meanMs * (merit[index]! / meritSum), 0);
  const latencyVarianceMs2 = used.reduce((sum, row) => sum + (row.window.requests / requests) * (row.window.meanMs - meanMs) ** 2, 0);
  return {
    route,
    requests,
    deployments,
    efficiency: round(1 - distance),
    latencyVarianceMs2: round(latencyVarianceMs2),
    meanMs: round(meanMs),
    idealMeanMs: round(idealMeanMs),
    savedMsPerRequest: round(Math.max(0, meanMs - idealMeanMs)),
  };
}

function round(value: number): number {
  return Math.round(value * 1e4) / 1e4;
}
