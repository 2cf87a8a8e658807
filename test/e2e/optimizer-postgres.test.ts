/**
 * The cost-optimiser API on the replicas' ledger: PostgreSQL (the real server, a schema of this
 * file's own), in a time zone far from UTC. The decision each request's row keeps comes back
 * whole, /routing/metrics agrees with the rows, and "today" is the configured zone's day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresLedger } from '../../src/ledger/postgres/postgres-ledger';
import { costOf } from '../../src/routing/cost';
import type { Harness } from '../support/harness';
import { POSTGRES_URL, postgresLedgerFixtures } from '../ledger/postgres-fixtures';
import { AUTO_PRICES, call, optimizerHarness, postJson } from '../support/optimizer';

// UTC+14: for ten hours of every UTC day, its calendar day is already the next one.
const ZONE = 'Pacific/Kiritimati';
const dayIn = (timestamp: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(timestamp);

const { freshSchema, freshSpool } = postgresLedgerFixtures('optimizer');
let harness: Harness;
beforeAll(async () => {
  const ledger = createPostgresLedger({ url: POSTGRES_URL, schema: freshSchema(), spoolPath: freshSpool(), timeZone: ZONE, flushIntervalMs: 10 });
  harness = await optimizerHarness({ ledger, limits: { timeZone: ZONE } });
});
afterAll(() => harness.close());

describe('on a PostgreSQL ledger, in a time zone of UTC+14', () => {
  it('keeps each decision in the row, counts today in the zone, and prices savings from the rows', async () => {
    const answers = [];
    for (const prompt of ['What is 2 + 2?', 'Write a sonnet about routers, then explain its metre line by line.']) {
      const { status, body } = await postJson(`${harness.url}/complete`, { prompt, max_tokens: 80, auto_route: prompt.startsWith('Write') });
      expect(status).toBe(200);
      answers.push(body);
    }
    const rows = await harness.junction.ledger.query();
    expect(rows).toHaveLength(2);
    const [newest, oldest] = rows;
    for (const [row, answer] of [[oldest, answers[0]], [newest, answers[1]]] as const) {
      expect(row.auto).toMatchObject({
        mode: answer.routing_metadata.decision.mode,
        decidedBy: answer.strategy_used,
        confidence: answer.confidence,
        confidenceLevel: answer.routing_metadata.decision.confidence_level,
        pattern: answer.complexity_metadata.pattern,
        complexity: answer.complexity_metadata.score,
        predictedQuality: answer.routing_metadata.decision.candidates[0].predicted_quality,
        predictedCostUsd: answer.routing_metadata.decision.candidates[0].estimated_cost,
      });
      expect(row.costUsd).toBe(answer.cost);
    }
    expect(newest.auto!.mode).toBe('hybrid');
    expect(answers[1].total_cost_today).toBeCloseTo(rows.filter((row) => dayIn(row.timestamp) === dayIn(Date.now())).reduce((sum, row) => sum + row.costUsd, 0), 12);

    const stats = (await call(`${harness.url}/stats`)).body;
    expect(stats).toMatchObject({ time_zone: ZONE, today: { day: dayIn(Date.now()) }, overall: { requests: 2 } });

    const metrics = (await call(`${harness.url}/routing/metrics?days=1`)).body;
    const strong = { inputPerMillion: AUTO_PRICES['auto-strong'].input, outputPerMillion: AUTO_PRICES['auto-strong'].output };
    const baseline = rows.reduce((sum, row) => sum + costOf({ inputTokens: row.inputTokens, outputTokens: row.outputTokens, cachedInputTokens: row.cachedInputTokens }, strong), 0);
    expect(metrics.cost_savings.baseline_cost).toBeCloseTo(baseline, 12);
    expect(metrics.cost_savings.intelligent_cost).toBeCloseTo(rows[0].costUsd + rows[1].costUsd, 12);
    expect(Object.values<any>(metrics.by_confidence).reduce((sum, group) => sum + group.requests, 0)).toBe(2);
  });
});
