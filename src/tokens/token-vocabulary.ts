import ranks from 'gpt-tokenizer/bpeRanks/o200k_base';

/**
 * The o200k_base vocabulary (gpt-tokenizer's default encoding) looked up by UTF-8 bytes, for
 * the merge loop in `token-count.ts`: an open-addressing table over one byte buffer, probed with
 * a polynomial hash that the loop combines from its parts' hashes, so a lookup allocates
 * nothing. About 5 MB (the token bytes, offsets and the table), built once, when loaded.
 */
export interface Vocabulary {
  /** Rank of `bytes[start, end)`, whose hash is `hash` (see `hashBytes`), or -1. */
  rank(bytes: Uint8Array, start: number, end: number, hash: number): number;
  /** Length in bytes of the longest token: no longer byte string need be looked up. */
  readonly longestToken: number;
}

const MULTIPLIER = 0x01000193;

/** Hash of one byte; `combineHashes` extends it. */
export function byteHash(byte: number): number {
  return byte + 1;
}

/** Hash of `left` followed by `right`, given the hashes of both and the length of `right` (at most `longestToken`). */
export function combineHashes(left: number, right: number, rightLength: number): number {
  return (Math.imul(left, powers[rightLength]) + right) | 0;
}

/** Hash of `bytes[start, end)`: each byte in turn, combined. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0;
  for (let index = start; index < end; index++) hash = (Math.imul(hash, MULTIPLIER) + bytes[index] + 1) | 0;
  return hash;
}

const MAX_POWER = 1024;
const powers = new Int32Array(MAX_POWER + 1);
powers[0] = 1;
for (let index = 1; index <= MAX_POWER; index++) powers[index] = Math.imul(powers[index - 1], MULTIPLIER);

// Built when the module loads, as gpt-tokenizer builds its own tables, so that no request waits
// for it (tens of milliseconds): the simulator counts every prompt, and latency tests time its
// answers.
const built = buildVocabulary();

/** The vocabulary. */
export function vocabulary(): Vocabulary {
  return built;
}

/**
 * gpt-tokenizer looks bytes that are valid UTF-8 up among the tokens it stores as text, and
 * other bytes among those it stores as byte arrays. So a token stored as a byte array that
 * happens to be valid UTF-8 is never found, and is left out here too; a text token with a lone
 * surrogate can never equal decoded bytes, and is left out too. Of equal keys the last wins, in
 * both.
 */
function buildVocabulary(): Vocabulary {
  let capacity = 0;
  for (const token of ranks) capacity += typeof token === 'string' ? token.length * 3 : token.length;
  let store = new Uint8Array(capacity);
  const starts = new Int32Array(ranks.length);
  const lengths = new Int32Array(ranks.length).fill(-1);
  let offset = 0;
  ranks.forEach((token, rank) => {
    if (typeof token === 'string') {
      if (!isWellFormed(token)) return;
      starts[rank] = offset;
      offset = writeUtf8(token, store, offset);
    } else {
      starts[rank] = offset;
      for (const byte of token) store[offset++] = byte;
      if (isValidUtf8(store, starts[rank], offset)) {
        offset = starts[rank];
        return;
      }
    }
    lengths[rank] = offset - starts[rank];
  });
  store = store.slice(0, offset);
  const bits = Math.ceil(Math.log2(ranks.length * 2.5));
  const mask = (1 << bits) - 1;
  const table = new Int32Array(1 << bits).fill(-1);
  const slotOf = (hash: number): number => Math.imul(hash, 0x9e3779b1) >>> (32 - bits);
  const equals = (rank: number, bytes: Uint8Array, start: number, end: number): boolean => {
    if (lengths[rank] !== end - start) return false;
    const offset = starts[rank] - start;
    for (let index = start; index < end; index++) if (store[offset + index] !== bytes[index]) return false;
    return true;
  };
  let longestToken = 0;
  for (let rank = 0; rank < ranks.length; rank++) {
    const length = lengths[rank];
    if (length < 0) continue;
    const start = starts[rank];
    if (length > longestToken) longestToken = length;
    let slot = slotOf(hashBytes(store, start, start + length));
    while (table[slot] !== -1 && !equals(table[slot], store, start, start + length)) slot = (slot + 1) & mask;
    table[slot] = rank;
  }
  if (longestToken > MAX_POWER) throw new Error(`a token of ${longestToken} bytes is longer than the hash supports`);
  return {
    longestToken,
    rank(bytes, start, end, hash) {
      for (let slot = slotOf(hash); ; slot = (slot + 1) & mask) {
        const rank = table[slot];
        if (rank === -1 || equals(rank, bytes, start, end)) return rank;
      }
    },
  };
}

/** Write `text` (well formed) as UTF-8 into `bytes` at `offset`; the offset after it. */
function writeUtf8(text: string, bytes: Uint8Array, offset: number): number {
  for (let index = 0; index < text.length; index++) {
    let code = text.charCodeAt(index);
    if (code < 0x80) {
      bytes[offset++] = code;
    } else if (code < 0x800) {
      bytes[offset++] = 0xc0 | (code >> 6);
      bytes[offset++] = 0x80 | (code & 0x3f);
    } else if (code < 0xd800 || code > 0xdbff) {
      bytes[offset++] = 0xe0 | (code >> 12);
      bytes[offset++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[offset++] = 0x80 | (code & 0x3f);
    } else {
      code = 0x10000 + ((code - 0xd800) << 10) + (text.charCodeAt(++index) - 0xdc00);
      bytes[offset++] = 0xf0 | (code >> 18);
      bytes[offset++] = 0x80 | ((code >> 12) & 0x3f);
      bytes[offset++] = 0x80 | ((code >> 6) & 0x3f);
      bytes[offset++] = 0x80 | (code & 0x3f);
    }
  }
  return offset;
}

/** Whether `text` has no lone surrogate (String.prototype.isWellFormed, which ES2023 typings lack). */
export function isWellFormed(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code > 0xdbff) return false;
    const low = text.charCodeAt(index + 1);
    if (!(low >= 0xdc00 && low <= 0xdfff)) return false;
    index++;
  }
  return true;
}

/** Strict UTF-8 validity of `bytes[start, end)`: no overlong forms, surrogates or code points past U+10FFFF. */
export function isValidUtf8(bytes: Uint8Array, start: number, end: number): boolean {
  let index = start;
  while (index < end) {
    const lead = bytes[index];
    let length: number;
    let codePoint: number;
    if (lead < 0x80) {
      index++;
      continue;
    } else if (lead >= 0xc2 && lead <= 0xdf) {
      length = 2;
      codePoint = lead & 0x1f;
    } else if ((lead & 0xf0) === 0xe0) {
      length = 3;
      codePoint = lead & 0x0f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      codePoint = lead & 0x07;
    } else {
      return false;
    }
    if (index + length > end) return false;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      if ((byte & 0xc0) !== 0x80) return false;
      codePoint = (codePoint << 6) | (byte & 0x3f);
    }
    if ((length === 3 && codePoint < 0x800) || (length === 4 && codePoint < 0x10000)) return false;
    if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return false;
    index += length;
  }
  return true;
}
