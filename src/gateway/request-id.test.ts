import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIdSource, timeOrderedId } from './request-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The time (ms) in a version 7 id, or undefined for any other id. */
function timeOfId(id: string): number | undefined {
  return UUID_V7.test(id) ? Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16) : undefined;
}

// Millisecond times a 48-bit field holds, from 1970 to the year 10889.
const times = fc.integer({ min: 0, max: 2 ** 48 - 1 });

/** A random source that hands out the given version 4 UUIDs, then fresh ones. */
function scripted(uuids: string[]): () => string {
  return () => uuids.shift() ?? randomUUID();
}

describe('timeOrderedId', () => {
  it('is a version 7 UUID that carries its time, its random bits from the random source', () => {
    fc.assert(
      fc.property(times, fc.uuid({ version: 4 }), (ms, random) => {
        const id = createIdSource(scripted([random])).next(ms);
        expect(id).toMatch(UUID_V7);
        expect(timeOfId(id)).toBe(ms);
        // Variant and the 62 random bits come from the source, not a constant.
        expect(id.slice(18)).toBe(random.slice(18));
      }),
    );
  });

  it('counts up within a millisecond: ids stay distinct and sort in the order made', () => {
    fc.assert(
      fc.property(times, fc.uuid({ version: 4 }), fc.integer({ min: 2, max: 2048 }), (ms, random, count) => {
        const source = createIdSource(scripted([random]));
        const ids = Array.from({ length: count }, () => source.next(ms));
        for (const id of ids) expect(id).toMatch(UUID_V7);
        for (let index = 1; index < ids.length; index += 1) expect(ids[index - 1] < ids[index]).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('stays distinct past the counter, drawing fresh random bits', () => {
    const source = createIdSource();
    const ids = Array.from({ length: 10_000 }, () => source.next(1_795_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(timeOfId(id)).toBe(1_795_000_000_000);
  });

  it('sorts ids made in a later millisecond after earlier ones, as text', () => {
    fc.assert(
      fc.property(times, times, fc.uuid({ version: 4 }), fc.uuid({ version: 4 }), (a, b, first, second) => {
        fc.pre(a !== b);
        const [early, late] = a < b ? [a, b] : [b, a];
        const source = createIdSource(scripted([first, second]));
        expect(source.next(early) < source.next(late)).toBe(true);
      }),
    );
  });

  it('differs between processes, which draw their own random bits', () => {
    const ms = 1_795_000_000_000;
    const ids = new Set(Array.from({ length: 1000 }, () => createIdSource().next(ms)));
    expect(ids.size).toBe(1000);
  });

  it('defaults to the current time', () => {
    const before = Date.now();
    const time = timeOfId(timeOrderedId())!;
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('reads no time from ids of other versions', () => {
    expect(timeOfId(randomUUID())).toBeUndefined();
    expect(timeOfId('req-42')).toBeUndefined();
  });
});
