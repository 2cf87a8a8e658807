/**
 * The shared conformance suite every Ledger implementation runs (CONVENTIONS: one suite per
 * port). It pins the contract beyond the interface's types:
 * - entries round-trip exactly: absent optional fields stay absent, floats keep every bit, the
 *   auto decision comes back whole (and absent when there was none);
 * - `record` returns at once, and `query`/`count` see everything recorded before them;
 * - every record is kept: two records under one request id (a caller may reuse its
 *   `x-request-id`) are two requests, and both count;
 * - `query` is newest first, timestamp ties latest-recorded first; `since` is inclusive;
 *   `limit` must be a non-negative integer;
 * - after `close`, `record`, `query` and `count` fail with `shutting_down`; `close` twice is fine.
 * `create` must return a new, empty ledger on every call.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isJunctionError } from '../../src/errors';
import type { AttemptRecord, Ledger, LedgerEntry } from '../../src/ledger/types';
import { AUTO_MODES, type LedgerAuto } from '../../src/routing/auto/types';

export interface LedgerSuiteOptions {
  create: () => Promise<Ledger> | Ledger;
}

/** A fully populated entry; `overrides` replace fields. */
export function sampleEntry(index: number, overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    requestId: `req-${index}`,
    timestamp: 1_700_000_000_000 + index,
    principal: 'team-a',
    team: 'platform',
    route: 'chat-fast',
    ingress: 'openai',
    endpoint: 'chat',
    stream: true,
    deployment: 'gpt-4o-mini@openai',
    model: 'gpt-4o-mini-2024-07-18',
    attempts: [
      { deployment: 'gpt-4o@azure', outcome: 'error', errorCode: 'upstream_rate_limited', upstreamStatus: 429, latencyMs: 81.25, inputTokens: 0, outputTokens: 0, costUsd: 0 },
      { deployment: 'gpt-4o-mini@openai', outcome: 'success', upstreamStatus: 200, latencyMs: 412, inputTokens: 1200, outputTokens: 340, costUsd: 0.1 + 0.2 },
    ],
    inputTokens: 1200,
    outputTokens: 340,
    cachedInputTokens: 1024,
    reasoningTokens: 64,
    costUsd: 0.1 + 0.2,
    latencyMs: 493.5,
    ttftMs: 120.75,
    status: 200,
    errorCode: 'upstream_rate_limited',
    finishReason: 'stop',
    decisionReason: 'priority: gpt-4o@azure first; fell back after 429',
    strategy: 'least-latency',
    variant: 'gpt-4o@azure',
    fallbackTier: 'secondary',
    hedge: 'hedge-won',
    cacheHit: 'semantic',
    costSavedUsd: 0.1 + 0.2,
    auto: {
      mode: 'hybrid',
      decidedBy: 'learning',
      validation: 'validated',
      confidence: 0.1 + 0.7,
      confidenceLevel: 'high',
      pattern: 'code',
      complexity: 0.615,
      predictedQuality: 0.8125,
      predictedCostUsd: 1.5e-7,
      modelQuality: 0.79,
      candidates: [
        { deployment: 'gpt-4o-mini@openai', quality: 0.8125, costUsd: 1.5e-7 },
        { deployment: 'gpt-4o@azure', quality: 0.1 + 0.2, costUsd: 0.0025 },
      ],
    },
    ...overrides,
  };
}

/** An entry with every optional field absent, on entry and attempt alike. */
function minimalEntry(index: number): LedgerEntry {
  return {
    requestId: `min-${index}`,
    timestamp: 1_700_000_500_000 + index,
    route: 'embed',
    ingress: 'anthropic',
    endpoint: 'embeddings',
    stream: false,
    attempts: [{ deployment: 'embed-small', outcome: 'aborted', latencyMs: 3, inputTokens: 0, outputTokens: 0, costUsd: 0 }],
    inputTokens: 0,
    outputTokens: 0,
    cachedInputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    latencyMs: 3,
    status: 499,
  };
}

async function expectShuttingDown(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(isJunctionError(error) && error.code).toBe('shutting_down');
}

const ids = (entries: LedgerEntry[]): string[] => entries.map((entry) => entry.requestId);

// -0 is folded to 0: a JSON attempt list cannot tell them apart, and no cost is negative zero.
const amount = (max: number) => fc.double({ min: 0, max, noNaN: true }).map((value) => value + 0);
// Whole graphemes: stored text is UTF-8, and a lone surrogate has no UTF-8 form.
const text = (minLength = 0) => fc.string({ unit: 'grapheme', minLength });
const optionalText = fc.option(text(), { nil: undefined });

const attemptArbitrary: fc.Arbitrary<AttemptRecord> = fc.record(
  {
    deployment: text(1),
    outcome: fc.constantFrom('success' as const, 'error' as const, 'aborted' as const),
    errorCode: text(),
    upstreamStatus: fc.integer({ min: 100, max: 599 }),
    latencyMs: amount(1e7),
    inputTokens: fc.nat(),
    outputTokens: fc.nat(),
    costUsd: amount(1e4),
  },
  { noNullPrototype: true, requiredKeys: ['deployment', 'outcome', 'latencyMs', 'inputTokens', 'outputTokens', 'costUsd'] },
);

const unit = () => fc.double({ min: 0, max: 1, noNaN: true }).map((value) => value + 0);
const autoArbitrary: fc.Arbitrary<LedgerAuto> = fc.record(
  {
    mode: fc.constantFrom(...AUTO_MODES),
    decidedBy: fc.constantFrom('complexity' as const, 'learning' as const),
    validation: fc.constantFrom('validated' as const, 'fallback' as const),
    confidence: unit(),
    confidenceLevel: fc.constantFrom('high' as const, 'medium' as const, 'low' as const),
    pattern: fc.constantFrom('code' as const, 'math' as const, 'chat' as const),
    complexity: unit(),
    predictedQuality: unit(),
    predictedCostUsd: amount(10),
    modelQuality: unit(),
    candidates: fc.array(fc.record({ deployment: text(1), quality: unit(), costUsd: amount(10) }, { noNullPrototype: true }), { maxLength: 4 }),
  },
  { noNullPrototype: true, requiredKeys: ['mode', 'decidedBy', 'confidence', 'confidenceLevel', 'pattern', 'complexity', 'predictedQuality', 'predictedCostUsd', 'candidates'] },
);

const entryArbitrary: fc.Arbitrary<LedgerEntry> = fc.record(
  {
    requestId: text(1),
    timestamp: fc.integer({ min: 0, max: 2 ** 45 }),
    principal: optionalText,
    team: optionalText,
    route: text(),
    ingress: fc.constantFrom('openai' as const, 'anthropic' as const),
    endpoint: fc.constantFrom('chat' as const, 'embeddings' as const, 'speech' as const),
    stream: fc.boolean(),
    deployment: optionalText,
    model: optionalText,
    attempts: fc.array(attemptArbitrary, { maxLength: 4 }),
    inputTokens: fc.nat(),
    outputTokens: fc.nat(),
    cachedInputTokens: fc.nat(),
    reasoningTokens: fc.nat(),
    costUsd: amount(1e4),
    latencyMs: amount(1e7),
    ttftMs: amount(1e7),
    status: fc.integer({ min: 100, max: 599 }),
    errorCode: text(),
    finishReason: text(),
    decisionReason: text(),
    strategy: text(),
    variant: text(),
    fallbackTier: text(),
    hedge: text(),
    auto: autoArbitrary,
    cacheHit: fc.constantFrom('exact' as const, 'semantic' as const),
    costSavedUsd: amount(1e4),
  },
  { noNullPrototype: true, requiredKeys: ['requestId', 'timestamp', 'route', 'ingress', 'endpoint', 'stream', 'attempts', 'inputTokens', 'outputTokens', 'cachedInputTokens', 'reasoningTokens', 'costUsd', 'latencyMs', 'status'] },
).map((entry) => {
  // fc.option may yield an explicit undefined; the contract is about absent fields.
  for (const key of ['principal', 'team', 'deployment', 'model'] as const) if (entry[key] === undefined) delete entry[key];
  return entry;
});

export function runLedgerSuite(name: string, options: LedgerSuiteOptions): void {
  describe(`ledger conformance: ${name}`, () => {
    const opened: Ledger[] = [];
    async function open(): Promise<Ledger> {
      const ledger = await options.create();
      opened.push(ledger);
      return ledger;
    }

    afterEach(async () => {
      for (const ledger of opened.splice(0)) await ledger.close();
    });

    it('starts empty', async () => {
      const ledger = await open();
      expect(await ledger.count()).toBe(0);
      expect(await ledger.query()).toEqual([]);
    });

    it('round-trips a fully populated entry and a minimal one exactly', async () => {
      const ledger = await open();
      const full = sampleEntry(1);
      const minimal = minimalEntry(2);
      ledger.record(full);
      ledger.record(minimal);
      const [newest, oldest] = await ledger.query();
      expect(newest).toStrictEqual(minimal);
      expect(oldest).toStrictEqual(full);
    });

    it.each([
      ['a sum that is not a short decimal', 0.1 + 0.2],
      ['a tiny per-token price', 1.5e-7],
      ['many significant digits', 123_456.789_012_345_67],
      ['a power of two fraction', 2 ** -40],
      ['the next double after 1', 1 + Number.EPSILON],
    ])('keeps every bit of a float cost: %s', async (_label, cost) => {
      const ledger = await open();
      const entry = sampleEntry(1, { costUsd: cost, latencyMs: cost, ttftMs: cost });
      entry.attempts[1].costUsd = cost;
      ledger.record(entry);
      const [stored] = await ledger.query();
      expect(Object.is(stored.costUsd, cost)).toBe(true);
      expect(Object.is(stored.latencyMs, cost)).toBe(true);
      expect(Object.is(stored.ttftMs, cost)).toBe(true);
      expect(Object.is(stored.attempts[1].costUsd, cost)).toBe(true);
    });

    it('round-trips arbitrary entries', async () => {
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(entryArbitrary, { selector: (entry) => entry.requestId, maxLength: 12 }), async (entries) => {
          const ledger = await open();
          for (const entry of entries) ledger.record(entry);
          const stored = new Map((await ledger.query()).map((entry) => [entry.requestId, entry]));
          expect(stored.size).toBe(entries.length);
          for (const entry of entries) expect(stored.get(entry.requestId)).toStrictEqual(entry);
          await ledger.close();
        }),
        { numRuns: 40 },
      );
    });

    it('record returns at once, and query and count see buffered entries without an explicit flush', async () => {
      const ledger = await open();
      const returned = ledger.record(sampleEntry(1));
      expect(returned).toBeUndefined();
      expect(await ledger.count()).toBe(1);
      ledger.record(sampleEntry(2));
      expect(ids(await ledger.query())).toEqual(['req-2', 'req-1']);
    });

    it('keeps its own copy: mutating a returned entry changes nothing stored', async () => {
      const ledger = await open();
      ledger.record(sampleEntry(1));
      const [first] = await ledger.query();
      first.route = 'changed';
      first.attempts.length = 0;
      first.auto!.pattern = 'math';
      first.auto!.candidates[0].quality = 0;
      const [again] = await ledger.query();
      expect(again).toStrictEqual(sampleEntry(1));
    });

    it('lands exactly N rows from N records interleaved with flushes and reads', async () => {
      const ledger = await open();
      const total = 300;
      await Promise.all(
        Array.from({ length: total }, async (_, index) => {
          await Promise.resolve();
          ledger.record(sampleEntry(index));
          if (index % 7 === 0) await ledger.flush();
          if (index % 11 === 0) await ledger.count();
        }),
      );
      expect(await ledger.count()).toBe(total);
      const stored = ids(await ledger.query());
      expect(new Set(stored).size).toBe(total);
      expect(stored).toHaveLength(total);
    });

    it('keeps both entries recorded under the same request id, the later first', async () => {
      const ledger = await open();
      ledger.record(sampleEntry(1, { status: 502, costUsd: 0.25 }));
      await ledger.flush();
      ledger.record(sampleEntry(1, { status: 200, costUsd: 0.5 }));
      expect(await ledger.count()).toBe(2);
      const entries = await ledger.query();
      expect(entries).toStrictEqual([sampleEntry(1, { status: 200, costUsd: 0.5 }), sampleEntry(1, { status: 502, costUsd: 0.25 })]);
      expect(entries.reduce((sum, entry) => sum + entry.costUsd, 0)).toBe(0.75);
    });

    it('keeps same-id entries recorded in one batch', async () => {
      const ledger = await open();
      for (let index = 0; index < 5; index += 1) ledger.record(sampleEntry(7, { outputTokens: index }));
      expect(await ledger.count()).toBe(5);
      expect((await ledger.query()).map((entry) => entry.outputTokens)).toEqual([4, 3, 2, 1, 0]);
    });

    describe('query', () => {
      // Recorded out of timestamp order on purpose; r4 and r5 share a timestamp.
      const entries = [
        sampleEntry(3, { requestId: 'r3', route: 'a', timestamp: 3_000 }),
        sampleEntry(1, { requestId: 'r1', route: 'b', timestamp: 1_000 }),
        sampleEntry(4, { requestId: 'r4', route: 'a', timestamp: 4_000 }),
        sampleEntry(2, { requestId: 'r2', route: 'a', timestamp: 2_000 }),
        sampleEntry(5, { requestId: 'r5', route: 'b', timestamp: 4_000 }),
      ];

      it.each([
        { label: 'everything, newest first, ties latest-recorded first', query: {}, expected: ['r5', 'r4', 'r3', 'r2', 'r1'] },
        { label: 'by route', query: { route: 'a' }, expected: ['r4', 'r3', 'r2'] },
        { label: 'an unknown route', query: { route: 'zzz' }, expected: [] },
        { label: 'since is inclusive', query: { since: 3_000 }, expected: ['r5', 'r4', 'r3'] },
        { label: 'since after everything', query: { since: 4_001 }, expected: [] },
        { label: 'limit keeps the newest', query: { limit: 2 }, expected: ['r5', 'r4'] },
        { label: 'limit zero', query: { limit: 0 }, expected: [] },
        { label: 'limit above the count', query: { limit: 50 }, expected: ['r5', 'r4', 'r3', 'r2', 'r1'] },
        { label: 'route, since and limit together', query: { route: 'a', since: 2_000, limit: 2 }, expected: ['r4', 'r3'] },
      ])('$label', async ({ query, expected }) => {
        const ledger = await open();
        // Half written, half still buffered: filters must apply to both.
        entries.slice(0, 2).forEach((entry) => ledger.record(entry));
        await ledger.flush();
        entries.slice(2).forEach((entry) => ledger.record(entry));
        expect(ids(await ledger.query(query))).toEqual(expected);
      });

      it.each([{ limit: -1 }, { limit: 1.5 }, { limit: Number.NaN }, { since: Number.NaN }])('rejects %o', async (query) => {
        const ledger = await open();
        await expect(ledger.query(query)).rejects.toThrow(RangeError);
      });
    });

    it('flush is idempotent', async () => {
      const ledger = await open();
      await ledger.flush();
      ledger.record(sampleEntry(1));
      ledger.record(sampleEntry(2));
      await ledger.flush();
      await ledger.flush();
      await Promise.all([ledger.flush(), ledger.flush()]);
      expect(await ledger.count()).toBe(2);
      expect(ids(await ledger.query())).toEqual(['req-2', 'req-1']);
    });

    it('lands a large burst of 10,000 entries', async () => {
      const ledger = await open();
      const total = 10_000;
      for (let index = 0; index < total; index += 1) ledger.record(sampleEntry(index));
      expect(await ledger.count()).toBe(total);
      const stored = await ledger.query({ limit: total });
      expect(stored).toHaveLength(total);
      expect(stored[0]).toStrictEqual(sampleEntry(total - 1));
      expect(stored[total - 1]).toStrictEqual(sampleEntry(0));
    });

    it('close flushes, then refuses records and reads', async () => {
      const ledger = await open();
      ledger.record(sampleEntry(1));
      await expect(ledger.close()).resolves.toBeUndefined();
      let thrown: unknown;
      try {
        ledger.record(sampleEntry(2));
      } catch (error) {
        thrown = error;
      }
      expect(isJunctionError(thrown) && thrown.code).toBe('shutting_down');
      await expectShuttingDown(ledger.query());
      await expectShuttingDown(ledger.count());
    });

    it('close can be called twice, also concurrently', async () => {
      const ledger = await open();
      ledger.record(sampleEntry(1));
      await expect(Promise.all([ledger.close(), ledger.close()])).resolves.toEqual([undefined, undefined]);
      await expect(ledger.close()).resolves.toBeUndefined();
    });
  });
}
