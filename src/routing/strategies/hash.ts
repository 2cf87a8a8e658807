/**
 * The one string hash the strategies share (A/B assignment, sticky rendezvous hashing).
 * FNV-1a over the UTF-8 bytes, then murmur3's 32-bit finaliser: FNV-1a alone is fast but
 * mixes its last bytes poorly, and keys such as `caller-1`, `caller-2` differ only there.
 */

const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_POW_32 = 0x1_0000_0000;

const encoder = new TextEncoder();

/** Unsigned 32-bit hash of `text`; the same on every machine and every run. */
export function hash32(text: string): number {
  return finalise(fnv1a32(text));
}

/** Plain 32-bit FNV-1a of the UTF-8 bytes of `text` (exported for its published test vectors). */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** `text` hashed to a number strictly between 0 and 1 (never 0, so it is safe under `Math.log`). */
export function hashUnit(text: string): number {
  return (hash32(text) + 0.5) / TWO_POW_32;
}

/** Hash of a pair; the separator keeps (`ab`, `c`) and (`a`, `bc`) apart. */
export function hashPairUnit(first: string, second: string): number {
  return hashUnit(`${first}\u0000${second}`);
}

/** murmur3 fmix32: every input bit flips about half of the output bits. */
function finalise(value: number): number {
  let hash = value;
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
