import { describe, expect, it } from 'vitest';
import { summariseLedger } from '../../src/ledger/summary';
import type { AttemptRecord, LedgerEntry } from '../../src/ledger/types';

function attempt(deployment: string, outcome: AttemptRecord['outcome'], inputTokens: number, outputTokens: number, costUsd: number): AttemptRecord {
  return { deployment, outcome, latencyMs: 100, inputTokens, outputTokens, costUsd };
}

function entry(requestId: string, route: string, status: number, attempts: AttemptRecord[]): LedgerEntry {
  const sum = (pick: (attempt: AttemptRecord) => number): number => attempts.reduce((total, each) => total + pick(each), 0);
  return {
    requestId,
    timestamp: 0,
    route,
    ingress: 'openai',
    endpoint: 'chat',
    stream: false,
    attempts,
    inputTokens: sum((each) => each.inputTokens),
    outputTokens: sum((each) => each.outputTokens),
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: sum((each) => each.costUsd),
    latencyMs: 100,
    status,
  };
}

describe('summariseLedger', () => {
  it('is all zeros and empty lists for no entries', () => {
    expect(summariseLedger([])).toEqual({
      total: { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      routes: [],
      deployments: [],
    });
  });

  it('totals by route per request and by deployment per attempt', () => {
    const summary = summariseLedger([
      // A fallback: the failed first attempt still billed its input.
      entry('1', 'chat', 200, [attempt('big', 'error', 100, 0, 0.5), attempt('small', 'success', 100, 50, 0.25)]),
      entry('2', 'chat', 200, [attempt('small', 'success', 10, 5, 0.125)]),
      entry('3', 'embed', 503, [attempt('embedder', 'error', 0, 0, 0)]),
      // Refused before any attempt: counts for its route only.
      entry('4', 'embed', 429, []),
    ]);

    expect(summary.total).toEqual({ requests: 4, errors: 2, inputTokens: 210, outputTokens: 55, costUsd: 0.875 });
    expect(summary.routes).toEqual([
      { route: 'chat', requests: 2, errors: 0, inputTokens: 210, outputTokens: 55, costUsd: 0.875 },
      { route: 'embed', requests: 2, errors: 2, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ]);
    expect(summary.deployments).toEqual([
      { deployment: 'big', requests: 1, errors: 1, inputTokens: 100, outputTokens: 0, costUsd: 0.5 },
      { deployment: 'small', requests: 2, errors: 0, inputTokens: 110, outputTokens: 55, costUsd: 0.375 },
      { deployment: 'embedder', requests: 1, errors: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    ]);
  });

  it.each([
    { status: 200, errors: 0 },
    { status: 399, errors: 0 },
    { status: 400, errors: 1 },
    { status: 499, errors: 1 },
    { status: 502, errors: 1 },
  ])('counts status $status as $errors errors', ({ status, errors }) => {
    expect(summariseLedger([entry('1', 'chat', status, [])]).total.errors).toBe(errors);
  });

  it('orders equal costs by name, and route names need no escaping', () => {
    const summary = summariseLedger([
      entry('1', 'zeta', 200, []),
      entry('2', '__proto__', 200, []),
      entry('3', 'alpha', 200, []),
    ]);
    expect(summary.routes.map((totals) => totals.route)).toEqual(['__proto__', 'alpha', 'zeta']);
  });

  it('does not modify its input', () => {
    const entries = [entry('1', 'chat', 200, [attempt('small', 'success', 1, 1, 0.1)])];
    const before = structuredClone(entries);
    summariseLedger(entries);
    expect(entries).toEqual(before);
  });
});
