import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-depth';

/** The nesting depth of a parsed value, walked recursively: the definition the scan must agree with. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

// Strings full of what a scan could mistake for structure: quotes, backslashes, brackets,
// and long runs that cross from the scan's short-string loop into its native search.
const trickyChar = fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', 'é', '😀', '\n');
const trickyString = fc.oneof(
  fc.string({ unit: trickyChar, maxLength: 12 }),
  fc.tuple(fc.integer({ min: 55, max: 75 }), fc.string({ unit: trickyChar, maxLength: 10 })).map(([pad, tail]) => 'x'.repeat(pad) + tail),
  fc.string({ unit: 'binary', maxLength: 200 }),
);
const tree = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, trickyString, fc.integer(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(trickyString, tie('value'), { maxKeys: 4 }),
})).value;

describe('nestsDeeperThan', () => {
  it('agrees with the depth of the parsed value, whatever the strings hold', () => {
    fc.assert(
      fc.property(tree, (value) => {
        const text = bytes(JSON.stringify(value));
        const depth = depthOf(value);
        expect(nestsDeeperThan(text, depth)).toBe(false);
        if (depth > 0) expect(nestsDeeperThan(text, depth - 1)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['flat object', '{"a": 1, "b": "x"}', 1],
    ['nested arrays', '[[[1]], [2]]', 3],
    ['brackets inside a string', '{"a": "[[[[{{{{"}', 1],
    ['an escaped quote, then brackets still in the string', '{"a": "\\"[[["}', 1],
    ['an escaped backslash ends the string', '{"a": "\\\\", "b": [[1]]}', 3],
    ['a long string with an escaped quote past the short-string loop', `{"a": "${'x'.repeat(100)}\\"[[[", "b": [1]}`, 2],
    ['an escape straddling the short-string limit', `["${'x'.repeat(62)}\\"[[[[", [1]]`, 2],
    ['a scalar', '42', 0],
  ])('%s', (_name, text, depth) => {
    expect(nestsDeeperThan(bytes(text), depth)).toBe(false);
    if (depth > 0) expect(nestsDeeperThan(bytes(text), depth - 1)).toBe(true);
  });

  it('refuses 5,000 nested arrays as soon as the limit is passed', () => {
    expect(nestsDeeperThan(bytes('['.repeat(5_000) + ']'.repeat(5_000)), 128)).toBe(true);
  });

  it('leaves malformed JSON (an unterminated string) to the parser', () => {
    expect(nestsDeeperThan(bytes('{"a": "never closed [[[['), 1)).toBe(false);
    expect(nestsDeeperThan(bytes(`{"a": "${'x'.repeat(100)}`), 1)).toBe(false);
  });
});
