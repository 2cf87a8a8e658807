/**
 * The chaos figures: `node --import tsx bench/chaos/run.ts [--json] [--quick]`.
 *
 * (a) failover at 200 req/s: the primary dies after a steady phase (once as a 503 with
 *     Retry-After, once as reset connections); time to the first answer from the secondary,
 *     time until the breaker opened, share of requests that saw extra latency or an error;
 * (b) hedging at 100 req/s against an upstream where 5% of answers are 10× slower: p50/p90/
 *     p99/max without hedging, with the p95 delay and with a fixed delay, and the extra load.
 *
 * Everything runs in this process on 127.0.0.1 (simulator, Junction and the load generator),
 * so figures include the load generator's share of the CPU. Bounded: the whole run stops with
 * an error if it takes more than a few minutes.
 */
import { parseArgs } from 'node:util';
import { measureFailover, type FailoverFigures, type OutageKind } from './failover';
import { measureHedging, type HedgeSetting, type HedgingFigures } from './hedging';
import { formatFailover, formatHedging } from './format';

const USAGE = 'node --import tsx bench/chaos/run.ts [--json] [--quick]';

export interface ChaosFigures {
  failover: FailoverFigures[];
  hedging: HedgingFigures[];
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, quick: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick === true;
  const guard = setTimeout(() => {
    console.error('chaos figures: gave up after 5 minutes');
    process.exit(1);
  }, 300_000);
  guard.unref();

  const progress = (line: string) => {
    if (!values.json) console.error(line);
  };
  const failover: FailoverFigures[] = [];
  for (const outage of ['reset', 'down', 'silent'] satisfies OutageKind[]) {
    progress(`failover: primary ${outage} …`);
    failover.push(await measureFailover({ outage, ratePerSecond: 200, steadyMs: quick ? 2_000 : 3_000, windowMs: quick ? 4_000 : 10_000, seed: 7 }));
  }
  const hedging: HedgingFigures[] = [];
  const settings: HedgeSetting[] = [{ kind: 'none' }, { kind: 'p95' }, { kind: 'fixed', delayMs: 40 }];
  for (const hedge of settings) {
    progress(`hedging: ${hedge.kind} …`);
    hedging.push(
      await measureHedging({
        hedge,
        ratePerSecond: 100,
        warmupMs: quick ? 1_000 : 2_000,
        durationMs: quick ? 4_000 : 10_000,
        tail: { baseMs: 20, tailShare: 0.05, tailFactor: 10, seed: 11 },
      }),
    );
  }

  const figures: ChaosFigures = { failover, hedging };
  if (values.json) console.log(JSON.stringify(figures, null, 2));
  else console.log(`${formatFailover(failover)}\n\n${formatHedging(hedging)}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
