/**
 * Virtual key secrets and ids. A key is `jk-` and 43 base62 characters: 256 random bits, the
 * most 43 base62 digits hold (62^43 ≈ 2^256.03), so every key is exactly as long as every
 * other. Only the key's SHA-256 (hex) and its first 7 characters are ever kept; the key itself
 * is shown once, when it is made.
 *
 * Randomness is injectable (`randomBytes`) so tests can pin keys and ids; by default it is
 * node:crypto's, which is suitable for secrets.
 */
import { hash, randomBytes as cryptoRandomBytes } from 'node:crypto';

/** Returns `size` random bytes. */
export type RandomBytes = (size: number) => Uint8Array;

/** A new key, to hand to its owner once, with what may be stored about it. */
export interface GeneratedKey {
  /** The key itself: give it to the caller, never store or log it. */
  key: string;
  /** Its first characters (`jk-AbCd`), safe to show and log. */
  prefix: string;
  /** SHA-256 of the key, lowercase hex: what the store keeps. */
  hash: string;
}

export const KEY_MARK = 'jk-';
/** Base62 digits after the mark. */
export const KEY_DIGITS = 43;
/** Characters of a key kept as its prefix: the mark and 4 digits. */
export const KEY_PREFIX_LENGTH = KEY_MARK.length + 4;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = new RegExp(`^${KEY_MARK}[0-9A-Za-z]{${KEY_DIGITS}}$`);
const HASH_PATTERN = /^[0-9a-fA-F]{64}$/;
/** Random bytes behind an id: 96 bits, 17 base62 digits. */
const ID_BYTES = 12;
const ID_DIGITS = 17;

/** `bytes` as a big-endian number written in exactly `digits` base62 digits (zero-padded). */
function base62(bytes: Uint8Array, digits: number): string {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let text = '';
  for (let index = 0; index < digits; index += 1) {
    text = ALPHABET[Number(value % 62n)] + text;
    value /= 62n;
  }
  if (value !== 0n) throw new RangeError(`${bytes.length} bytes do not fit in ${digits} base62 digits`);
  return text;
}

function drawn(randomBytes: RandomBytes, size: number): Uint8Array {
  const bytes = randomBytes(size);
  // A short draw would silently make weak keys; refuse it instead.
  if (bytes.length !== size) throw new RangeError(`randomBytes returned ${bytes.length} bytes, not ${size}`);
  return bytes;
}

/**
 * SHA-256 of a key, lowercase hex. Every keyed request pays for one: the one-shot `hash` costs
 * about a third of a Hash object's create, update and digest on a key's 46 bytes.
 */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** The part of a key that may be shown and logged. */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** A new key from 256 random bits. */
export function generateKey(randomBytes: RandomBytes = cryptoRandomBytes): GeneratedKey {
  const key = KEY_MARK + base62(drawn(randomBytes, 32), KEY_DIGITS);
  return { key, prefix: keyPrefix(key), hash: hashKey(key) };
}

/** Has `text` the shape of a key (`jk-` and 43 base62 digits)? Says nothing of whether it exists. */
export function looksLikeKey(text: string): boolean {
  return text.length === KEY_MARK.length + KEY_DIGITS && KEY_PATTERN.test(text);
}

/** Is `text` a SHA-256 digest in hex (either case)? */
export function looksLikeHash(text: string): boolean {
  return HASH_PATTERN.test(text);
}

/** Each character code's hex digit value (either case); `INVALID` for anything else. */
const INVALID = 16;
const HEX_VALUES = new Uint8Array(128).fill(INVALID);
for (let digit = 0; digit < 16; digit += 1) {
  HEX_VALUES['0123456789abcdef'.charCodeAt(digit)] = digit;
  HEX_VALUES['0123456789ABCDEF'.charCodeAt(digit)] = digit;
}

/**
 * Are two hex digests the same? Reads every digit of both whatever it finds, with no early
 * exit, so how long a comparison takes says nothing about how much of a stored hash a guess
 * matched. Anything that is not a 64-digit hex digest is equal to nothing. (Every keyed request
 * makes one comparison: this loop costs about a third of decoding both digests into buffers
 * for `timingSafeEqual`.)
 */
export function sameHash(a: string, b: string): boolean {
  if (a.length !== 64 || b.length !== 64) return false;
  let difference = 0;
  for (let index = 0; index < 64; index += 1) {
    const left = a.charCodeAt(index);
    const right = b.charCodeAt(index);
    const x = left < 128 ? HEX_VALUES[left]! : INVALID;
    const y = right < 128 ? HEX_VALUES[right]! : INVALID;
    // Valid digits are 0–15; INVALID (16) sets a bit no difference of two digits can.
    difference |= (x ^ y) | (x & INVALID) | (y & INVALID);
  }
  return difference === 0;
}

/** A new key id: `key_` and 17 base62 digits (96 random bits). */
export function newKeyId(randomBytes: RandomBytes = cryptoRandomBytes): string {
  return `key_${base62(drawn(randomBytes, ID_BYTES), ID_DIGITS)}`;
}

/** A new team id: `team_` and 17 base62 digits (96 random bits). */
export function newTeamId(randomBytes: RandomBytes = cryptoRandomBytes): string {
  return `team_${base62(drawn(randomBytes, ID_BYTES), ID_DIGITS)}`;
}
