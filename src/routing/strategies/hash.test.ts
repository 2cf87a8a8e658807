import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a32, hash32, hashPairUnit, hashUnit } from './hash';

describe('fnv1a32', () => {
  // Published FNV-1a 32-bit test vectors.
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j to its published value', (text, expected) => {
    expect(fnv1a32(text)).toBe(expected);
  });

  it('hashes UTF-8 bytes, not UTF-16 code units', () => {
    // "é" is the bytes C3 A9 in UTF-8; hashing the single code unit E9 would give 0x6c0b6c44.
    expect(fnv1a32('é')).toBe(0x1e9de8c1);
  });
});

describe('hash32 and hashUnit', () => {
  it('are unsigned 32-bit and strictly inside (0, 1) respectively', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const value = hash32(text);
        expect(Number.isInteger(value)).toBe(true);
        expect(value).toBeGreaterThanOrEqual(0);
        expect(value).toBeLessThan(2 ** 32);
        const unit = hashUnit(text);
        expect(unit).toBeGreaterThan(0);
        expect(unit).toBeLessThan(1);
        expect(hash32(text)).toBe(value);
      }),
    );
  });

  it('spreads keys that differ only at the end evenly over buckets', () => {
    const buckets = new Array<number>(16).fill(0);
    for (let index = 0; index < 16_000; index += 1) buckets[hash32(`caller-${index}`) % 16] += 1;
    for (const count of buckets) expect(Math.abs(count - 1_000)).toBeLessThan(150);
  });

  it('keeps pairs apart that plain concatenation would merge', () => {
    expect(hashPairUnit('ab', 'c')).not.toBe(hashPairUnit('a', 'bc'));
  });
});
