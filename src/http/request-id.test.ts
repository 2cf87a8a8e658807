import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './request-id';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The time (ms) in a version 7 id, or undefined for any other id. */
function timeOfId(id: string): number | undefined {
  return UUID_V7.test(id) ? Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16) : undefined;
}

// Millisecond times a 48-bit field holds, from 1970 to the year 10889.
const times = fc.integer({ min: 0, max: 2 ** 48 - 1 });

describe('timeOrderedId', () => {
  it('is a version 7 UUID that carries its time', () => {
    fc.assert(
      fc.property(times, fc.uuid({ version: 4 }), (ms, random) => {
        const id = timeOrderedId(ms, random);
        expect(id).toMatch(UUID_V7);
        expect(timeOfId(id)).toBe(ms);
        // The random part is the given UUID's, not a constant.
        expect(id.slice(15)).toBe(random.slice(15));
      }),
    );
  });

  it('sorts ids made in a later millisecond after earlier ones, as text', () => {
    fc.assert(
      fc.property(times, times, (a, b) => {
        fc.pre(a !== b);
        const [early, late] = a < b ? [a, b] : [b, a];
        expect(timeOrderedId(early, randomUUID()) < timeOrderedId(late, randomUUID())).toBe(true);
      }),
    );
  });

  it('makes distinct ids within one millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_795_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('reads no time from ids of other versions', () => {
    expect(timeOfId(randomUUID())).toBeUndefined();
    expect(timeOfId('req-42')).toBeUndefined();
  });
});
