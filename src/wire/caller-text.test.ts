import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ECHOED_LENGTH, echoText, isPrintableAscii } from './caller-text';

describe('echoText', () => {
  it.each([
    ['a route name', 'gpt-4o-mini', 'gpt-4o-mini'],
    ['a name with spaces and punctuation', "my model's name", "my model's name"],
    ['CR and LF', 'x\r\nSet-Cookie: a=b', 'x\\u000d\\u000aSet-Cookie: a=b'],
    ['NUL', 'a\u0000b', 'a\\u0000b'],
    ['an emoji', 'chat-😀', 'chat-\\ud83d\\ude00'],
    ['a lone surrogate', 'x\ud800', 'x\\ud800'],
  ])('%s', (_name, text, echoed) => {
    expect(echoText(text)).toBe(echoed);
  });

  it('returns a printable name of the maximum length as it is, and cuts a longer one', () => {
    const longest = 'm'.repeat(MAX_ECHOED_LENGTH);
    expect(echoText(longest)).toBe(longest);
    expect(echoText(longest + 'm')).toBe(`${longest}…`);
    expect(echoText('m'.repeat(1_000_000))).toBe(`${longest}…`);
  });

  it('never cuts an escape in half', () => {
    expect(echoText('m'.repeat(MAX_ECHOED_LENGTH - 3) + '\n')).toBe(`${'m'.repeat(MAX_ECHOED_LENGTH - 3)}…`);
  });

  it('gives printable ASCII of bounded length whatever it is given', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const echoed = echoText(text);
        expect(echoed.length).toBeLessThanOrEqual(MAX_ECHOED_LENGTH + 1);
        expect(isPrintableAscii(echoed.endsWith('…') ? echoed.slice(0, -1) : echoed)).toBe(true);
      }),
    );
  });
});
