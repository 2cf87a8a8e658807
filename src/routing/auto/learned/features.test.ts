import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DENSE_FEATURES, fnv1a, HASH_SCAN_CHARS, hashedGrams, promptFeatures, words } from './features';

describe('learned features', () => {
  it('hashes with plain 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('splits words in lower case and folds numbers', () => {
    expect(words('Solve 3x + 45 = 12?')).toEqual(['solve', '0', 'x', '+', '0', '=', '0', '?']);
  });

  it('is deterministic, bounded and L2-normalised', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const a = hashedGrams(text, 1024);
        const b = hashedGrams(text, 1024);
        expect([...a.indices]).toEqual([...b.indices]);
        expect([...a.values]).toEqual([...b.values]);
        for (const index of a.indices) expect(index >= 0 && index < 1024).toBe(true);
        const norm = a.values.reduce((sum, value) => sum + value * value, 0);
        if (a.indices.length > 0) expect(norm).toBeCloseTo(1, 9);
        const increasing = [...a.indices].every((index, position) => position === 0 || index > a.indices[position - 1]);
        expect(increasing).toBe(true);
      }),
    );
  });

  it('stops hashing past the scan cap, so a huge prompt costs no more than a long one', () => {
    const head = 'word '.repeat(HASH_SCAN_CHARS / 5);
    const a = hashedGrams(head, 4096);
    const b = hashedGrams(`${head}integral derivative theorem`.repeat(3), 4096);
    expect([...b.indices]).toEqual([...a.indices]);
  });

  it('gives one dense value per named feature', () => {
    const features = promptFeatures('Write a python function that sorts a list.', 1, 4096);
    expect(features.dense).toHaveLength(DENSE_FEATURES.length);
    expect(features.complexity.pattern).toBe('code');
  });
});
