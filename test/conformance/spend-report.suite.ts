/**
 * The shared conformance suite for spend reports (SpendReport), run by every ledger that keeps
 * entries: memory, SQLite and PostgreSQL. It pins what the daily totals must add up to:
 * - requests, errors (status >= 400), tokens and cost per group of key (the principal), team,
 *   route, deployment, model and day, the day in the ledger's time zone;
 * - costliest first, then by group values in code point order, none (`null`) first;
 * - `since` and `until` are inclusive days; filters are exact; `limit` keeps the costliest;
 * - a group value an entry lacks, or has as `''`, is `null`; entries outside 1970-9999 count in
 *   no day but are still stored;
 * - reports see everything recorded before them, written or still buffered.
 * `create` must return a new, empty ledger on every call.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isJunctionError } from '../../src/errors';
import type { SpendDimension, SpendQuery, SpendReport, SpendRow } from '../../src/ledger/reports';
import type { Ledger, LedgerEntry } from '../../src/ledger/types';
import { sampleEntry } from './ledger.suite';

export interface SpendReportSuiteOptions {
  create: (options: { timeZone: string }) => Promise<Ledger & SpendReport> | (Ledger & SpendReport);
}

const at = (iso: string): number => Date.parse(iso);

/** An entry with only what reports read set; `fields` override. */
function spent(index: number, fields: Partial<LedgerEntry>): LedgerEntry {
  const entry = sampleEntry(index, { timestamp: at('2024-05-01T12:00:00Z'), status: 200, inputTokens: 10, outputTokens: 1, costUsd: 1, ...fields });
  for (const key of ['principal', 'team', 'deployment', 'model'] as const) if (entry[key] === undefined) delete entry[key];
  return entry;
}

const totals = (requests: number, errors: number, inputTokens: number, outputTokens: number, costUsd: number) => ({ requests, errors, inputTokens, outputTokens, costUsd });

/** What the report must say, worked out the plainest way (UTC days only). */
function expectedSpend(entries: LedgerEntry[], query: SpendQuery): SpendRow[] {
  const value = (entry: LedgerEntry, dimension: SpendDimension): string => {
    const raw = { key: entry.principal, team: entry.team, route: entry.route, deployment: entry.deployment, model: entry.model, day: new Date(entry.timestamp).toISOString().slice(0, 10) }[dimension];
    return raw ?? '';
  };
  const rows = new Map<string, SpendRow & Record<string, unknown>>();
  for (const entry of entries) {
    const day = value(entry, 'day');
    if ((query.since !== undefined && day < query.since) || (query.until !== undefined && day > query.until)) continue;
    if (Object.entries(query.filter ?? {}).some(([dimension, wanted]) => value(entry, dimension as SpendDimension) !== wanted)) continue;
    const id = JSON.stringify(query.groupBy.map((dimension) => value(entry, dimension)));
    if (!rows.has(id)) {
      const row: SpendRow & Record<string, unknown> = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
      for (const dimension of query.groupBy) (row as Record<string, unknown>)[dimension] = value(entry, dimension) === '' && dimension !== 'route' ? null : value(entry, dimension);
      rows.set(id, row);
    }
    const row = rows.get(id)!;
    row.requests += 1;
    row.errors += entry.status >= 400 ? 1 : 0;
    row.inputTokens += entry.inputTokens;
    row.outputTokens += entry.outputTokens;
    row.costUsd += entry.costUsd;
  }
  const key = (row: SpendRow) => query.groupBy.map((dimension) => [...String(row[dimension] ?? '')].map((char) => char.codePointAt(0)!));
  const byCodePoints = (a: number[][], b: number[][]): number => {
    for (let index = 0; index < a.length; index += 1) {
      const [left, right] = [a[index], b[index]];
      for (let at = 0; at < Math.min(left.length, right.length); at += 1) if (left[at] !== right[at]) return left[at] - right[at];
      if (left.length !== right.length) return left.length - right.length;
    }
    return 0;
  };
  return [...rows.values()].sort((a, b) => b.costUsd - a.costUsd || byCodePoints(key(a), key(b))).slice(0, query.limit);
}

export function runSpendReportSuite(name: string, options: SpendReportSuiteOptions): void {
  describe(`spend report conformance: ${name}`, () => {
    const opened: Ledger[] = [];
    async function open(timeZone = 'UTC'): Promise<Ledger & SpendReport> {
      const ledger = await options.create({ timeZone });
      opened.push(ledger);
      return ledger;
    }

    afterEach(async () => {
      for (const ledger of opened.splice(0)) await ledger.close();
    });

    it('reports nothing for an empty ledger, not even a row of zeros', async () => {
      const ledger = await open();
      expect(await ledger.spend({ groupBy: [] })).toEqual([]);
      expect(await ledger.spend({ groupBy: ['key', 'day'] })).toEqual([]);
    });

    it('adds up requests, errors (status 400 and above), tokens and cost, buffered entries included', async () => {
      const ledger = await open();
      ledger.record(spent(1, { status: 200, inputTokens: 100, outputTokens: 20, costUsd: 0.5 }));
      ledger.record(spent(2, { status: 399, inputTokens: 1, outputTokens: 2, costUsd: 0.25 }));
      await ledger.flush();
      ledger.record(spent(3, { status: 400, inputTokens: 0, outputTokens: 0, costUsd: 0 }));
      ledger.record(spent(4, { status: 503, inputTokens: 7, outputTokens: 0, costUsd: 0.125 }));
      expect(await ledger.spend({ groupBy: [] })).toEqual([totals(4, 2, 108, 22, 0.875)]);
    });

    it('groups by key, team, route, deployment and model; what an entry lacks, or has empty, is null', async () => {
      const ledger = await open();
      ledger.record(spent(1, { principal: 'k1', team: 't1', route: 'chat', deployment: 'd1', model: 'm1', costUsd: 3 }));
      ledger.record(spent(2, { principal: 'k2', team: 't1', route: 'chat', deployment: 'd2', model: 'm2', costUsd: 2 }));
      ledger.record(spent(3, { principal: undefined, team: undefined, route: 'embed', deployment: undefined, model: undefined, costUsd: 1, status: 429 }));
      ledger.record(spent(4, { principal: '', team: '', route: 'embed', deployment: '', model: '', costUsd: 0.5 }));
      expect(await ledger.spend({ groupBy: ['key'] })).toEqual([
        { key: 'k1', ...totals(1, 0, 10, 1, 3) },
        { key: 'k2', ...totals(1, 0, 10, 1, 2) },
        { key: null, ...totals(2, 1, 20, 2, 1.5) },
      ]);
      expect(await ledger.spend({ groupBy: ['team'] })).toEqual([{ team: 't1', ...totals(2, 0, 20, 2, 5) }, { team: null, ...totals(2, 1, 20, 2, 1.5) }]);
      expect(await ledger.spend({ groupBy: ['route'] })).toEqual([{ route: 'chat', ...totals(2, 0, 20, 2, 5) }, { route: 'embed', ...totals(2, 1, 20, 2, 1.5) }]);
      expect((await ledger.spend({ groupBy: ['deployment'] })).map((row) => row.deployment)).toEqual(['d1', 'd2', null]);
      expect(await ledger.spend({ groupBy: ['model', 'route'] })).toEqual([
        { model: 'm1', route: 'chat', ...totals(1, 0, 10, 1, 3) },
        { model: 'm2', route: 'chat', ...totals(1, 0, 10, 1, 2) },
        { model: null, route: 'embed', ...totals(2, 1, 20, 2, 1.5) },
      ]);
    });

    it('orders equal costs by group values in code point order, none first', async () => {
      const ledger = await open();
      // U+FF5E sorts before U+1F600 by code point (and UTF-8 bytes), after it by UTF-16 unit.
      for (const [index, principal] of ['b', '😀', '～', 'a', 'B', undefined, 'ab'].entries()) ledger.record(spent(index, { principal, costUsd: 1 }));
      ledger.record(spent(9, { principal: 'z', costUsd: 2 }));
      expect((await ledger.spend({ groupBy: ['key'] })).map((row) => row.key)).toEqual(['z', null, 'B', 'a', 'ab', 'b', '～', '😀']);
    });

    it('counts each entry in its UTC day by default', async () => {
      const ledger = await open();
      ledger.record(spent(1, { timestamp: at('2024-05-01T23:59:59.999Z'), costUsd: 1 }));
      ledger.record(spent(2, { timestamp: at('2024-05-02T00:00:00.000Z'), costUsd: 2 }));
      ledger.record(spent(3, { timestamp: at('2024-05-02T13:00:00.000Z'), costUsd: 4 }));
      expect(await ledger.spend({ groupBy: ['day'] })).toEqual([{ day: '2024-05-02', ...totals(2, 0, 20, 2, 6) }, { day: '2024-05-01', ...totals(1, 0, 10, 1, 1) }]);
    });

    it.each([
      // Across the spring-forward of 2024-03-10 in New York (UTC-5, then UTC-4).
      { timeZone: 'America/New_York', times: ['2024-03-10T04:59:00Z', '2024-03-10T05:00:00Z', '2024-03-11T03:59:00Z', '2024-03-11T04:00:00Z'], days: ['2024-03-09', '2024-03-10', '2024-03-10', '2024-03-11'] },
      // Half-hour offset (UTC+5:30).
      { timeZone: 'Asia/Kolkata', times: ['2024-05-01T18:29:59Z', '2024-05-01T18:30:00Z'], days: ['2024-05-01', '2024-05-02'] },
    ])('counts days in the ledger time zone: $timeZone', async ({ timeZone, times, days }) => {
      const ledger = await open(timeZone);
      times.forEach((time, index) => ledger.record(spent(index, { timestamp: at(time), costUsd: 2 ** index })));
      const expected = new Map<string, number>();
      days.forEach((day, index) => expected.set(day, (expected.get(day) ?? 0) + 2 ** index));
      const rows = await ledger.spend({ groupBy: ['day'] });
      expect(Object.fromEntries(rows.map((row) => [row.day, row.costUsd]))).toEqual(Object.fromEntries(expected));
    });

    it('keeps entries outside 1970-9999 but counts them in no day', async () => {
      const ledger = await open();
      ledger.record(spent(1, { timestamp: -1, costUsd: 8 }));
      ledger.record(spent(2, { timestamp: 253_402_300_800_000, costUsd: 16 }));
      ledger.record(spent(3, { timestamp: 0, costUsd: 1 }));
      expect(await ledger.count()).toBe(3);
      expect(await ledger.spend({ groupBy: ['day'] })).toEqual([{ day: '1970-01-01', ...totals(1, 0, 10, 1, 1) }]);
    });

    describe('narrowing', () => {
      const entries = [
        spent(1, { timestamp: at('2024-04-30T10:00:00Z'), principal: 'k1', team: 't1', route: 'chat', costUsd: 1 }),
        spent(2, { timestamp: at('2024-05-01T10:00:00Z'), principal: 'k1', team: 't1', route: 'embed', costUsd: 2 }),
        spent(3, { timestamp: at('2024-05-02T10:00:00Z'), principal: 'k2', team: 't1', route: 'chat', costUsd: 4 }),
        spent(4, { timestamp: at('2024-05-03T10:00:00Z'), principal: 'k2', team: 't2', route: 'chat', costUsd: 8 }),
        spent(5, { timestamp: at('2024-05-03T11:00:00Z'), principal: 'k3', team: 't2', route: 'chat', costUsd: 16 }),
      ];
      const costs = (rows: SpendRow[]) => rows.map((row) => row.costUsd);

      it.each<{ label: string; query: SpendQuery; expected: number[] }>([
        { label: 'since and until are inclusive', query: { groupBy: ['day'], since: '2024-05-01', until: '2024-05-02' }, expected: [4, 2] },
        { label: 'since alone', query: { groupBy: [], since: '2024-05-03' }, expected: [24] },
        { label: 'until alone', query: { groupBy: [], until: '2024-04-30' }, expected: [1] },
        { label: 'a range with nothing in it', query: { groupBy: ['key'], since: '2024-06-01' }, expected: [] },
        { label: 'a filter', query: { groupBy: ['key'], filter: { team: 't1' } }, expected: [4, 3] },
        { label: 'filters together', query: { groupBy: ['day'], filter: { team: 't1', route: 'chat' } }, expected: [4, 1] },
        { label: 'a filter nothing matches', query: { groupBy: [], filter: { model: 'none-such' } }, expected: [] },
        { label: 'limit keeps the costliest', query: { groupBy: ['key'], limit: 2 }, expected: [16, 12] },
        { label: 'limit zero', query: { groupBy: ['key'], limit: 0 }, expected: [] },
        { label: 'everything together', query: { groupBy: ['team', 'key'], since: '2024-05-01', filter: { route: 'chat' }, limit: 2 }, expected: [16, 8] },
      ])('$label', async ({ query, expected }) => {
        const ledger = await open();
        entries.slice(0, 2).forEach((entry) => ledger.record(entry));
        await ledger.flush();
        entries.slice(2).forEach((entry) => ledger.record(entry));
        expect(costs(await ledger.spend(query))).toEqual(expected);
      });
    });

    it.each<[string, unknown]>([
      ['an unknown dimension', { groupBy: ['tenant'] }],
      ['a dimension twice', { groupBy: ['key', 'key'] }],
      ['no groupBy list', {}],
      ['a day that is not a date', { groupBy: [], since: '2024-02-30' }],
      ['a day in another format', { groupBy: [], until: '2024-5-1' }],
      ['an unknown filter', { groupBy: [], filter: { day: '2024-05-01' } }],
      ['a negative limit', { groupBy: [], limit: -1 }],
      ['a fractional limit', { groupBy: [], limit: 1.5 }],
    ])('refuses %s', async (_label, query) => {
      const ledger = await open();
      await expect(ledger.spend(query as SpendQuery)).rejects.toThrow(RangeError);
    });

    it('matches the plain sum over arbitrary entries and queries', async () => {
      const dimension = fc.constantFrom<SpendDimension>('key', 'team', 'route', 'deployment', 'model', 'day');
      const name = fc.option(fc.constantFrom('', 'a', 'b', 'é', '😀'), { nil: undefined });
      const entry = fc.record({
        principal: name,
        team: name,
        route: fc.constantFrom('chat', 'embed', ''),
        deployment: name,
        model: name,
        // Ten days of May 2024.
        timestamp: fc.integer({ min: at('2024-05-01T00:00:00Z'), max: at('2024-05-10T23:59:59Z') }),
        status: fc.constantFrom(200, 400, 499, 503),
        inputTokens: fc.nat({ max: 10_000 }),
        outputTokens: fc.nat({ max: 10_000 }),
        // Multiples of 1/64: every sum is exact, so the order of addition cannot matter.
        costUsd: fc.nat({ max: 6_400 }).map((units) => units / 64),
      });
      const day = fc.integer({ min: 1, max: 10 }).map((date) => `2024-05-${String(date).padStart(2, '0')}`);
      const query = fc.record(
        {
          groupBy: fc.uniqueArray(dimension, { maxLength: 3 }),
          since: day,
          until: day,
          filter: fc.record({ key: fc.constantFrom('a', ''), route: fc.constantFrom('chat', '') }, { requiredKeys: [] }),
          limit: fc.nat({ max: 5 }),
        },
        { requiredKeys: ['groupBy'] },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(entry, { maxLength: 30 }), fc.array(query, { minLength: 1, maxLength: 4 }), async (fields, queries) => {
          const ledger = await open();
          const entries = fields.map((field, index) => spent(index, field));
          entries.forEach((recorded) => ledger.record(recorded));
          for (const asked of queries) expect(await ledger.spend(asked)).toEqual(expectedSpend(entries, asked));
          await ledger.close();
        }),
        { numRuns: 25 },
      );
    });

    it('refuses reports once closed', async () => {
      const ledger = await open();
      await ledger.close();
      const error = await ledger.spend({ groupBy: [] }).then(() => undefined, (caught: unknown) => caught);
      expect(isJunctionError(error) && error.code).toBe('shutting_down');
    });
  });
}
