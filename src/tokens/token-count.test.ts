import fc from 'fast-check';
import { countTokens as libraryCount } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countTokens, countTotalTokens, EXACT_COUNT_LIMITS, LONG_PIECE_BYTES, newTokenCountWork, pieceBoundaryBefore } from './token-count';
import { pseudoRandom } from './__fixtures__/pseudo-random-text';

// gpt-tokenizer is the reference; on the short texts below its quadratic merge loop is harmless.
const reference = (text: string): number => libraryCount(text, { disallowedSpecial: new Set() });
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

// Alphabets that make BPE merge a lot (few letters), split in odd places (digits, apostrophes,
// line breaks, '/'), or take the unusual paths (multi-byte, emoji, lone surrogates, U+FEFF,
// combining marks, special-token text).
const ALPHABETS = [
  ['a', 'b'],
  ['a', 'b', 'c', ' '],
  ['A', 'C', 'G', 'T'],
  ['e', 't', 'a', 'o', 'n', 'i', 's', ' ', '\n', "'", 's', 'l', 'L'],
  ['的', '一', '是', '不', '了', '人', '。', '，', '我', '在'],
  ['é', 'e', '\u0301', 'ß', 'Ω', '😀', '👍🏽', ' '],
  ['0', '1', '9', 'x', '.', '/', '\n', ' ', '\t'],
  ['\uFEFF', 'a', 'b', '\uD800', '\uDC00', ' '],
  ['<|endoftext|>', '<|im_start|>', 'a', ' '],
  ['.', ',', '=', '-', '_', '*', '\r\n', ' '],
].map((units) => fc.constantFrom(...units));

const text = (maxLength: number): fc.Arbitrary<string> => fc.oneof(...ALPHABETS.map((unit) => fc.string({ unit, maxLength })));

describe('token counting', () => {
  it('equals gpt-tokenizer on texts built to stress the splitting and the merges', () => {
    fc.assert(
      fc.property(text(300), (sample) => {
        expect(countTokens(sample)).toEqual({ tokens: reference(sample), exact: true });
      }),
      { numRuns: 2_000 },
    );
  });

  it('equals gpt-tokenizer on pieces long enough to count against the long-merge limit', () => {
    const long = fc.oneof(
      fc.string({ unit: fc.constantFrom('的', '一', '是', '不', '了'), minLength: 90, maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: LONG_PIECE_BYTES + 1, maxLength: 600 }),
    );
    fc.assert(
      fc.property(long, (sample) => {
        expect(countTokens(sample).tokens).toBe(reference(sample));
      }),
      { numRuns: 200 },
    );
  });

  it('counts special-token text as plain text', () => {
    const sample = 'before <|endoftext|> after <|im_start|>';
    expect(countTokens(sample).tokens).toBe(reference(sample));
  });

  it.each([
    // Checked once against gpt-tokenizer, which takes seconds on these (quadratic merging).
    ['100 000 of one letter', 'a'.repeat(100_000), 12_500],
    ['260 000 of one letter', 'a'.repeat(260_000), 32_500],
  ])('counts %s exactly', (_name, sample, tokens) => {
    expect(countTokens(sample)).toEqual({ tokens, exact: true });
    // The same shape, small enough for the reference, agrees.
    expect(countTokens('a'.repeat(4_000)).tokens).toBe(reference('a'.repeat(4_000)));
  });

  it.each([
    ['one letter', (n: number) => 'a'.repeat(n)],
    ['two letters at random', (n: number) => pseudoRandom('ab', n)],
    ['CJK', (n: number) => pseudoRandom('的一是不了人我在有他', n)],
  ])('merges a run of %s with work linear in its length', (_name, make) => {
    const work = (n: number) => {
      const record = newTokenCountWork();
      countTokens(make(n), { work: record });
      return record;
    };
    const small = work(20_000);
    const large = work(80_000);
    // Four times the text, about four times the work (n log n: a little over); gpt-tokenizer's
    // loop does sixteen times, rescanning the piece at every merge.
    expect(large.steps / small.steps).toBeLessThan(4.6);
    expect(large.steps / large.mergedBytes).toBeLessThan(64);
    expect(large.largestPiece).toBe(large.mergedBytes);
  });
});

describe('token counting past its limits', () => {
  it('counts exactly up to the last sure piece boundary before the scan limit and bounds the rest by its bytes', () => {
    const sample = 'word '.repeat(300) + '\n' + 'éèà '.repeat(100);
    const limits = { scan: 1_000, longMerge: EXACT_COUNT_LIMITS.longMerge };
    const cut = pieceBoundaryBefore(sample, 1_000);
    expect(cut).toBe(999); // after 'word' and before ' ': the last such place
    const count = countTokens(sample, { limits });
    expect(count).toEqual({ tokens: reference(sample.slice(0, cut)) + bytes(sample.slice(cut)), exact: false });
    expect(count.tokens).toBeGreaterThanOrEqual(reference(sample));
  });

  it('weighs non-ASCII characters four times against the scan limit', () => {
    const sample = '中文，'.repeat(200);
    const count = countTokens(sample, { limits: { scan: 400, longMerge: EXACT_COUNT_LIMITS.longMerge } });
    const cut = pieceBoundaryBefore(sample, 100);
    expect(sample[cut - 1]).toBe('文');
    expect(count).toEqual({ tokens: reference(sample.slice(0, cut)) + bytes(sample.slice(cut)), exact: false });
  });

  it('bounds a long piece past the merge limit, from where it starts', () => {
    const run = 'ab'.repeat(400);
    const sample = `Start here. ${run} and the end.`;
    const count = countTokens(sample, { limits: { scan: EXACT_COUNT_LIMITS.scan, longMerge: 500 } });
    const start = sample.indexOf(run) - 1; // the piece takes the space before it
    expect(count).toEqual({ tokens: reference(sample.slice(0, start)) + bytes(sample.slice(start)), exact: false });
    expect(count.tokens).toBeGreaterThanOrEqual(reference(sample));
  });

  it('bounds everything when no sure boundary comes before the limit', () => {
    const sample = 'a'.repeat(2_000);
    expect(countTokens(sample, { limits: { scan: 1_000, longMerge: 10_000 } })).toEqual({ tokens: 2_000, exact: false });
  });

  it('shares the limits among several texts', () => {
    const texts = ['word '.repeat(150), 'word '.repeat(150)];
    const limits = { scan: 1_000, longMerge: EXACT_COUNT_LIMITS.longMerge };
    expect(countTotalTokens(texts.slice(0, 1), { limits }).exact).toBe(true);
    const total = countTotalTokens(texts, { limits });
    expect(total.exact).toBe(false);
    const cut = pieceBoundaryBefore(texts[1], 250);
    expect(total.tokens).toBe(reference(texts[0]) + reference(texts[1].slice(0, cut)) + bytes(texts[1].slice(cut)));
  });

  it('cuts only where the whole text has a piece boundary, so head and tail add up exactly', () => {
    const mixed = fc.string({ unit: fc.constantFrom('a', 'B', 'é', '的', '。', '，', '1', '2', ' ', '\n', '\r', '/', "'", '.', '-', '\u0301', '😀'), maxLength: 200 });
    fc.assert(
      fc.property(mixed, fc.nat(200), (sample, limit) => {
        const cut = pieceBoundaryBefore(sample, limit);
        expect(cut).toBeLessThanOrEqual(Math.max(0, limit));
        expect(reference(sample.slice(0, cut)) + reference(sample.slice(cut))).toBe(reference(sample));
      }),
      { numRuns: 3_000 },
    );
  });
});

