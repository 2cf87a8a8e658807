import { createHash, timingSafeEqual } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKey, hashKey, keyPrefix, looksLikeHash, looksLikeKey, newKeyId, newTeamId, sameHash } from './keys';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The number a run of base62 digits writes. */
function fromBase62(digits: string): bigint {
  return [...digits].reduce((value, digit) => value * 62n + BigInt(ALPHABET.indexOf(digit)), 0n);
}

function fromBytes(bytes: Uint8Array): bigint {
  return [...bytes].reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

const fixed = (bytes: Uint8Array) => (size: number) => bytes.subarray(0, size);

describe('generateKey', () => {
  it('writes the 256 random bits as jk- and 43 base62 digits, keeping the prefix and SHA-256', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const { key, prefix, hash } = generateKey(fixed(bytes));
        expect(key).toMatch(/^jk-[0-9A-Za-z]{43}$/);
        expect(fromBase62(key.slice(3))).toBe(fromBytes(bytes));
        expect(prefix).toBe(key.slice(0, 7));
        expect(hash).toBe(createHash('sha256').update(key).digest('hex'));
        expect(looksLikeKey(key)).toBe(true);
      }),
    );
  });

  it('pads small numbers with zeros and fits the largest', () => {
    expect(generateKey(fixed(new Uint8Array(32))).key).toBe(`jk-${'0'.repeat(43)}`);
    const largest = generateKey(fixed(new Uint8Array(32).fill(255))).key;
    expect(fromBase62(largest.slice(3))).toBe(2n ** 256n - 1n);
  });

  it('draws 32 bytes and refuses a short draw rather than make a weak key', () => {
    const sizes: number[] = [];
    generateKey((size) => {
      sizes.push(size);
      return new Uint8Array(size);
    });
    expect(sizes).toEqual([32]);
    expect(() => generateKey(() => new Uint8Array(16))).toThrow(RangeError);
  });

  it('makes a different key every time by default', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateKey().key));
    expect(keys.size).toBe(200);
  });
});

describe('hashKey and keyPrefix', () => {
  it('is SHA-256 in lowercase hex', () => {
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('keeps the mark and four digits', () => {
    expect(keyPrefix(`jk-AbCd${'x'.repeat(39)}`)).toBe('jk-AbCd');
  });
});

describe('looksLikeKey', () => {
  it.each([
    [`jk-${'a'.repeat(43)}`, true],
    [`jk-${'Z9'.repeat(21)}q`, true],
    [`jk-${'a'.repeat(42)}`, false],
    [`jk-${'a'.repeat(44)}`, false],
    [`JK-${'a'.repeat(43)}`, false],
    [`sk-${'a'.repeat(43)}`, false],
    [`jk-${'a'.repeat(42)}-`, false],
    [`jk-${'a'.repeat(42)}\n`, false],
    [` jk-${'a'.repeat(43)}`, false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikeKey(text)).toBe(expected);
  });
});

describe('sameHash', () => {
  const a = hashKey('a');
  const b = hashKey('b');

  it('is true for the same digest, in either case, and false for another', () => {
    expect(sameHash(a, a)).toBe(true);
    expect(sameHash(a, a.toUpperCase())).toBe(true);
    expect(sameHash(a, b)).toBe(false);
    expect(sameHash(a, `${a.slice(0, 63)}${a[63] === '0' ? '1' : '0'}`)).toBe(false);
  });

  it('matches nothing that is not a 64-digit hex digest', () => {
    expect(sameHash(a.slice(0, 62), a.slice(0, 62))).toBe(false);
    expect(sameHash(`${a}00`, `${a}00`)).toBe(false);
    const notHex = `${a.slice(0, 63)}g`;
    expect(sameHash(notHex, notHex)).toBe(false);
    expect(sameHash('', '')).toBe(false);
    expect(looksLikeHash(a)).toBe(true);
    expect(looksLikeHash(notHex)).toBe(false);
  });

  it('agrees with decoding both digests and comparing their bytes, on any pair of strings', () => {
    const reference = (x: string, y: string) => looksLikeHash(x) && looksLikeHash(y) && timingSafeEqual(Buffer.from(x, 'hex'), Buffer.from(y, 'hex'));
    // Hex digits of both cases, their neighbours in the character table, and beyond ASCII.
    const character = fc.constantFrom(...'0123456789abcdefABCDEF', '/', ':', '@', 'G', '`', 'g', 'é', '\u0130', '\u0660', '\uff10');
    const digest = fc.oneof(fc.string({ unit: character, minLength: 64, maxLength: 64 }), fc.string({ unit: character, minLength: 62, maxLength: 66 }));
    // Pairs that differ in case only, or in one character, besides independent ones.
    const pair = fc.oneof(
      fc.tuple(digest, digest),
      digest.map((x) => [x, x.toUpperCase()] as const),
      fc.tuple(digest, fc.nat(), character).map(([x, at, replacement]) => [x, x.slice(0, at % 64) + replacement + x.slice((at % 64) + 1)] as const),
    );
    fc.assert(fc.property(pair, ([x, y]) => sameHash(x, y) === reference(x, y)), { numRuns: 2_000 });
  });
});

describe('ids', () => {
  it('are key_ or team_ and 17 base62 digits of 96 random bits', () => {
    const bytes = new Uint8Array(12).fill(255);
    const keyId = newKeyId(fixed(bytes));
    const teamId = newTeamId(fixed(bytes));
    expect(keyId).toMatch(/^key_[0-9A-Za-z]{17}$/);
    expect(teamId).toMatch(/^team_[0-9A-Za-z]{17}$/);
    expect(fromBase62(keyId.slice(4))).toBe(2n ** 96n - 1n);
    expect(newKeyId()).not.toBe(newKeyId());
    expect(newTeamId()).toMatch(/^team_[0-9A-Za-z]{17}$/);
  });
});
