import { describe, expect, it } from 'vitest';
import { SeriesCache } from './series-cache';

describe('SeriesCache', () => {
  it('creates a series once per label values and finds it again', () => {
    const created: string[][] = [];
    const cache = new SeriesCache(3, (values) => {
      created.push(values);
      return { values };
    });
    const first = cache.get('a', 'b', 'c');
    expect(cache.get('a', 'b', 'c')).toBe(first);
    expect(cache.get('a', 'b', 'd')).not.toBe(first);
    expect(cache.get('a', 'x', 'c')).not.toBe(first);
    expect(created).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'd'],
      ['a', 'x', 'c'],
    ]);
  });

  it('turns numbers and booleans into label strings', () => {
    const cache = new SeriesCache(2, (values) => values);
    expect(cache.get(true, 200)).toEqual(['true', '200']);
    expect(cache.get(true, 200)).toBe(cache.get(true, 200));
  });

  it.each([1, 2, 3, 4, 5])('keys on exactly %i label(s)', (count) => {
    const cache = new SeriesCache(count, (values) => values.join('|'));
    const values = ['a', 'b', 'c', 'd', 'e'];
    expect(cache.get(values[0], values[1], values[2], values[3], values[4])).toBe(values.slice(0, count).join('|'));
    // A change in a label past `count` is not part of the key.
    expect(cache.get(values[0], values[1], values[2], values[3], 'other')).toBe(count === 5 ? 'a|b|c|d|other' : values.slice(0, count).join('|'));
  });

  it('refuses label counts it cannot key on', () => {
    expect(() => new SeriesCache(0, () => 0)).toThrow(RangeError);
    expect(() => new SeriesCache(6, () => 0)).toThrow(RangeError);
  });
});
