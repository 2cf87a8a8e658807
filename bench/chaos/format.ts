/** Plain-text tables of the chaos figures. */
import type { FailoverFigures } from './failover';
import type { HedgingFigures } from './hedging';

const ms = (value: number | null) => (value === null || Number.isNaN(value) ? '—' : `${Math.round(value)} ms`);
const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

const OUTAGE_LABELS: Record<FailoverFigures['outage'], string> = {
  down: 'down (503 + Retry-After: 1)',
  reset: 'resetting connections',
  silent: 'silent (accepts requests, never answers; streamed requests, default first-byte timeout)',
};

export function formatFailover(figures: FailoverFigures[]): string {
  const lines = [`(a) failover, open loop at ${figures[0]?.ratePerSecond ?? 0} req/s, default retry and breaker policies`];
  for (const figure of figures) {
    const { window } = figure;
    lines.push(
      `  primary ${OUTAGE_LABELS[figure.outage]}:`,
      `    first answer from the secondary   ${ms(figure.firstServedBySecondaryMs)} after the outage`,
      `    primary breaker opened            ${ms(figure.breakerOpenedMs)} after the outage`,
      `    steady-state p99                  ${ms(figure.steadyP99Ms)}`,
      `    next ${window.requests} requests: ${window.affected} (${pct(window.affectedShare)}) above the steady p99 or failed, ${window.errors} errors (about 1% exceed a p99 by definition)`,
      `    of them in the first second       ${figure.firstSecond.affected} of ${figure.firstSecond.requests}`,
      `    their latency                     p50 ${ms(window.latency.p50)}  p90 ${ms(window.latency.p90)}  p99 ${ms(window.latency.p99)}  max ${ms(window.latency.max)}`,
      `    requests that reached the primary ${figure.primaryCallsInWindow} (retries and half-open probes included)`,
    );
  }
  return lines.join('\n');
}

export function formatHedging(figures: HedgingFigures[]): string {
  const lines = [
    `(b) hedging, open loop at ${figures[0]?.ratePerSecond ?? 0} req/s, upstream: 5% of answers 10× slower (20 ms / 200 ms)`,
    '  setting            requests  errors     p50      p90      p99      max   hedge won  extra upstream load',
  ];
  for (const figure of figures) {
    const { latency } = figure;
    lines.push(
      `  ${figure.hedge.padEnd(17)} ${String(figure.requests).padStart(9)} ${String(figure.errors).padStart(7)} ${ms(latency.p50).padStart(8)} ${ms(latency.p90).padStart(8)} ${ms(latency.p99).padStart(8)} ${ms(latency.max).padStart(8)} ${String(figure.hedgeWon).padStart(11)} ${pct(figure.extraUpstreamLoad).padStart(20)}`,
    );
  }
  return lines.join('\n');
}
