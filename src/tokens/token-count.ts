import { O200K_TOKEN_SPLIT_REGEX } from 'gpt-tokenizer/encodingParams/constants';
import { byteHash, combineHashes, hashBytes, isValidUtf8, isWellFormed, vocabulary, type Vocabulary } from './token-vocabulary';

/**
 * Token counting with the o200k_base vocabulary (gpt-tokenizer's default encoding), in time
 * that grows linearly with the text, up to limits.
 *
 * gpt-tokenizer's own merge loop rescans the whole piece for every merge, so a piece without
 * spaces (one letter repeated, CJK text, a long identifier) costs time quadratic in its length:
 * 100 KB of one letter took seconds. This module splits the text with the very same pattern,
 * looks pieces up in the very same vocabulary and merges pairs in the very same order (lowest
 * rank first, leftmost first among equals), but keeps the candidate pairs in a heap, so a piece
 * of n bytes costs O(n log n). The result is the exact count, not an estimate; a property test
 * holds it equal to gpt-tokenizer's `countTokens` (special-token text counted as plain text).
 *
 * Why not count the long pieces in chunks with gpt-tokenizer instead: a cut in the middle of a
 * piece changes its merges in both directions (measured on o200k: up to 2 more or 1 fewer
 * token per cut), so the count would no longer be exact, and the decisions built on it near a
 * context window could go either way. Nor would it be fast: gpt-tokenizer turns bytes back
 * into text for every pair it looks up, several microseconds per CJK character even in short
 * chunks. Exact counting keeps the decisions what they were.
 *
 * Limits bound the work whatever the input, and the count stays safe past them: from where a
 * limit stops it, the rest of the text is not tokenised but bounded by its UTF-8 length, which
 * no tokenisation can exceed (every token is at least one byte), and the count says it is an
 * upper bound (`exact: false`). The rest starts where a piece starts, so the exact part is the
 * whole text's own count of that part and the sum is a true upper bound. See
 * `EXACT_COUNT_LIMITS` for what is limited and why.
 */
export interface TokenCount {
  tokens: number;
  /** False when a limit stopped the count and the tail was bounded by its byte length instead. */
  exact: boolean;
}

/** Work done by counts, for tests that prove it grows linearly with the text. */
export interface TokenCountWork {
  /** Characters handed to the splitting pattern. */
  chars: number;
  /** Bytes of the pieces that needed merging (not found whole in the vocabulary). */
  mergedBytes: number;
  /** Vocabulary lookups of candidate pairs plus heap sift steps: the whole cost of merging. */
  steps: number;
  /** Longest piece merged, in bytes. */
  largestPiece: number;
}

/** How much of a text is counted exactly; the rest is bounded. */
export interface TokenCountLimits {
  /** Weighted characters handed to the splitting pattern: 1 per ASCII character, 4 per other UTF-16 code unit. */
  scan: number;
  /** Bytes of long pieces (over `LONG_PIECE_BYTES`) merged. */
  longMerge: number;
}

/**
 * Why these numbers. Splitting and looking up is the cost of ordinary text: a few tens of
 * nanoseconds per ASCII character, several times that per CJK character (slower to match, and
 * its pieces must be merged), hence the weights. 1 M weighted characters is a prompt of about
 * 250 k tokens whether English or Chinese, past every context window but the 1-2 M ones, so
 * only decisions about those can meet the bound. Merging long pieces (runs without spaces or
 * punctuation) costs n log n in their length, a few hundred nanoseconds a byte; 300 k bytes of
 * them is a 260 k-character run of one letter or a 100 k-character CJK run. Ordinary prose and
 * code never have pieces that long. Measured (`node --import tsx bench/token-count.ts`, 2-core
 * machine under load): about 25 ms for 1 M characters of English, 90 ms for 250 k of Chinese,
 * 100 ms for the worst run at the merge limit, 125 ms for the worst text at the scan limit, so
 * no single prompt holds the event loop for more than about a quarter of a second.
 */
export const EXACT_COUNT_LIMITS: TokenCountLimits = { scan: 1_000_000, longMerge: 300_000 };

/** Pieces longer than this (in UTF-8 bytes) count against `longMerge`; shorter ones cost a bounded amount per byte. */
export const LONG_PIECE_BYTES = 256;

export interface TokenCountOptions {
  /** Default `EXACT_COUNT_LIMITS`. */
  limits?: TokenCountLimits;
  /** When given, the work done is added to it. */
  work?: TokenCountWork;
}

/** A zeroed work record. */
export function newTokenCountWork(): TokenCountWork {
  return { chars: 0, mergedBytes: 0, steps: 0, largestPiece: 0 };
}

/** Count the tokens of `text`, exactly up to the limits (see the module comment). */
export function countTokens(text: string, options: TokenCountOptions = {}): TokenCount {
  return countTotalTokens([text], options);
}

/** The tokens of all `texts` together, each counted on its own; the limits hold for the whole, not for each. */
export function countTotalTokens(texts: readonly string[], options: TokenCountOptions = {}): TokenCount {
  const left = { ...(options.limits ?? EXACT_COUNT_LIMITS) };
  let tokens = 0;
  let exact = true;
  for (const text of texts) {
    const count: TokenCount = exact ? countWithin(text, left, options.work) : bounded(text, 0, 0);
    tokens += count.tokens;
    exact = count.exact;
  }
  return { tokens, exact };
}

/** Count one text, spending `left` (and stopping where it runs out). */
function countWithin(text: string, left: TokenCountLimits, work: TokenCountWork | undefined): TokenCount {
  const scanEnd = weightedEnd(text, left);
  const end = scanEnd === text.length ? scanEnd : pieceBoundaryBefore(text, scanEnd);
  const head = end === text.length ? text : text.slice(0, end);
  if (work !== undefined) work.chars += head.length;
  let tokens = 0;
  for (const match of head.matchAll(O200K_TOKEN_SPLIT_REGEX)) {
    const piece = match[0];
    if (piece.length === 1 && piece.charCodeAt(0) < 0x80) {
      tokens++;
      continue;
    }
    const size = encodePiece(piece);
    if (isWholeToken(piece, size)) {
      tokens++;
      continue;
    }
    if (size > LONG_PIECE_BYTES) {
      if (size > left.longMerge) {
        releaseLargeBuffers();
        return bounded(text, match.index, tokens);
      }
      left.longMerge -= size;
    }
    tokens += mergeCount(pieceBytes, size, vocabulary(), work);
  }
  releaseLargeBuffers();
  return end === text.length ? { tokens, exact: true } : bounded(text, end, tokens);
}

function bounded(text: string, from: number, counted: number): TokenCount {
  return { tokens: counted + Buffer.byteLength(from === 0 ? text : text.slice(from), 'utf8'), exact: false };
}

/**
 * Where the weighted length of `text` (see `TokenCountLimits.scan`) passes what is left of the
 * scan limit, or its length; what it scanned is taken off `left.scan`.
 */
function weightedEnd(text: string, left: TokenCountLimits): number {
  let units = 0;
  for (let index = 0; index < text.length; index++) {
    units += text.charCodeAt(index) < 0x80 ? 1 : 4;
    if (units > left.scan) {
      left.scan = 0;
      return index;
    }
  }
  left.scan -= units;
  return text.length;
}

/**
 * The last index at or before `limit` where a piece of the splitting pattern ends whatever
 * follows, so the head splits into exactly the whole text's pieces and the counts add up.
 * From the pattern's alternatives, three places qualify:
 * - after a line break followed by anything but whitespace or '/' (only whitespace runs and
 *   the punctuation alternative's trailing `[\r\n/]*` take line breaks);
 * - after an ASCII digit followed by an ASCII non-digit (digits only ever go with digits);
 * - after a letter followed by a character that is neither a letter, a mark nor an apostrophe
 *   (letters only go with letters, marks and an apostrophe suffix). Recognised letters: ASCII,
 *   CJK ideographs, kana, Hangul; recognised followers: ASCII and the common CJK punctuation.
 * 0 when there is none: then nothing is counted exactly, which is still a sound upper bound.
 */
export function pieceBoundaryBefore(text: string, limit: number): number {
  for (let index = Math.min(limit, text.length - 1); index > 0; index--) {
    const before = text.charCodeAt(index - 1);
    const after = text.charCodeAt(index);
    if (before === 0x0a || before === 0x0d) {
      if (!isWhitespace(after) && after !== 0x2f) return index;
    } else if (before >= 0x30 && before <= 0x39) {
      if (after < 0x80 && !(after >= 0x30 && after <= 0x39)) return index;
    } else if (isLetter(before) && endsLetters(after)) {
      return index;
    }
  }
  return 0;
}

/** Letters (`\p{L}`) in blocks whose every code point has been assigned for decades. */
function isLetter(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x4e00 && code <= 0x9fa5) ||
    (code >= 0x3041 && code <= 0x3096) ||
    (code >= 0x30a1 && code <= 0x30fa) ||
    (code >= 0xac00 && code <= 0xd7a3)
  );
}

/** Characters that are neither letters, marks nor the apostrophe: ASCII ones and CJK punctuation. */
function endsLetters(code: number): boolean {
  if (code < 0x80) return !isLetter(code) && code !== 0x27;
  return code === 0x3001 || code === 0x3002 || code === 0xff0c || code === 0xff01 || code === 0xff1f || code === 0xff1a || code === 0xff1b;
}

/** `\s` as JavaScript defines it. */
function isWhitespace(code: number): boolean {
  return (
    code === 0x20 ||
    (code >= 0x09 && code <= 0x0d) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

const encoder = new TextEncoder();
let pieceBytes = new Uint8Array(1024);

/** Write the UTF-8 bytes of `piece` to `pieceBytes`; their number. */
function encodePiece(piece: string): number {
  if (pieceBytes.length < piece.length * 3) pieceBytes = new Uint8Array(piece.length * 3);
  return encoder.encodeInto(piece, pieceBytes).written;
}

/** Give back a buffer grown for one long piece, rather than keep megabytes for the rare next one. */
function releaseLargeBuffers(): void {
  if (pieceBytes.length > KEPT_SCRATCH_BYTES * 3) pieceBytes = new Uint8Array(1024);
  if (scratchBuffers !== undefined && scratchBuffers.next.length > KEPT_SCRATCH_BYTES) scratchBuffers = undefined;
}

// Pieces longer than this are rare (runs without spaces); their working arrays are not kept.
const KEPT_SCRATCH_BYTES = 16 * 1024;

/**
 * Whether the piece just encoded is one token. gpt-tokenizer looks the whole piece up as text,
 * so a piece with a lone surrogate (which UTF-8 encoding replaces by U+FFFD) never matches
 * whole there; nor may it here.
 */
function isWholeToken(piece: string, size: number): boolean {
  const words = vocabulary();
  if (size > words.longestToken || words.rank(pieceBytes, 0, size, hashBytes(pieceBytes, 0, size)) < 0) return false;
  return size === piece.length || isWellFormed(piece);
}

const NONE = 0x7fffffff;
const DEAD = -1;
// Heap keys are rank * OFFSET_SPAN + offset: ranks (< 2^18) and offsets (< 2^32) both fit in a
// double's 53 bits, and the order of keys is the order of (rank, offset).
const OFFSET_SPAN = 2 ** 32;

interface Scratch {
  next: Int32Array;
  prev: Int32Array;
  pairRank: Int32Array;
  partHash: Int32Array;
  /** Every merge pushes at most two entries, on top of the first size - 1. */
  heap: Float64Array;
}

let scratchBuffers: Scratch | undefined;

/** Reused working arrays: counting is synchronous, so one set serves every call. */
function scratch(size: number): Scratch {
  if (scratchBuffers === undefined || scratchBuffers.next.length < size) {
    const capacity = Math.max(size, 1024);
    scratchBuffers = {
      next: new Int32Array(capacity),
      prev: new Int32Array(capacity),
      pairRank: new Int32Array(capacity),
      partHash: new Int32Array(capacity),
      heap: new Float64Array(3 * capacity),
    };
  }
  return scratchBuffers;
}

/**
 * The number of parts BPE leaves of `bytes[0, size)`: repeatedly merge the adjacent pair whose
 * joined bytes have the lowest rank, the leftmost of equals, until no adjacent pair is a token.
 * Parts are a linked list over byte offsets; candidate pairs wait in a min-heap keyed by
 * (rank, offset). Parts only grow, so a pair's rank never returns to an earlier value: an entry
 * whose rank is still its part's current pair rank is live, any other is stale and skipped.
 */
function mergeCount(bytes: Uint8Array, size: number, words: Vocabulary, work: TokenCountWork | undefined): number {
  if (size < 2) return size;
  if (work !== undefined) {
    work.mergedBytes += size;
    if (size > work.largestPiece) work.largestPiece = size;
  }
  const { next, prev, pairRank, partHash, heap } = scratch(size);
  const longest = words.longestToken;
  let lookups = 0;
  let heapSize = 0;
  let sifts = 0;

  const rankOf = (start: number): number => {
    const middle = next[start];
    if (middle >= size) return NONE;
    const end = next[middle];
    if (end - start > longest) return NONE;
    lookups++;
    if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) return rankAfterByteOrderMark(bytes, start, end, words);
    const rank = words.rank(bytes, start, end, combineHashes(partHash[start], partHash[middle], end - middle));
    return rank < 0 ? NONE : rank;
  };
  const push = (rank: number, offset: number): void => {
    const key = rank * OFFSET_SPAN + offset;
    let index = heapSize++;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (heap[parent] <= key) break;
      heap[index] = heap[parent];
      index = parent;
      sifts++;
    }
    heap[index] = key;
  };
  const pop = (): number => {
    const top = heap[0];
    const last = heap[--heapSize];
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= heapSize) break;
      if (child + 1 < heapSize && heap[child + 1] < heap[child]) child++;
      if (heap[child] >= last) break;
      heap[index] = heap[child];
      index = child;
      sifts++;
    }
    heap[index] = last;
    return top;
  };

  for (let index = 0; index < size; index++) {
    next[index] = index + 1;
    prev[index] = index - 1;
    partHash[index] = byteHash(bytes[index]);
  }
  for (let index = 0; index < size; index++) {
    pairRank[index] = rankOf(index);
    if (pairRank[index] !== NONE) push(pairRank[index], index);
  }
  let parts = size;
  while (heapSize > 0) {
    const key = pop();
    const rank = Math.floor(key / OFFSET_SPAN);
    const start = key - rank * OFFSET_SPAN;
    if (next[start] === DEAD || pairRank[start] !== rank) continue;
    const absorbed = next[start];
    partHash[start] = combineHashes(partHash[start], partHash[absorbed], next[absorbed] - absorbed);
    next[start] = next[absorbed];
    if (next[absorbed] < size) prev[next[absorbed]] = start;
    next[absorbed] = DEAD;
    parts--;
    pairRank[start] = rankOf(start);
    if (pairRank[start] !== NONE) push(pairRank[start], start);
    const before = prev[start];
    if (before >= 0) {
      pairRank[before] = rankOf(before);
      if (pairRank[before] !== NONE) push(pairRank[before], before);
    }
  }
  if (work !== undefined) work.steps += lookups + sifts;
  return parts;
}

/**
 * gpt-tokenizer turns valid UTF-8 into text with a TextDecoder, which drops a leading byte
 * order mark, so it looks such bytes up without the mark. Reproduced, because the count is
 * defined to be that library's; it only matters for text with U+FEFF in it.
 */
function rankAfterByteOrderMark(bytes: Uint8Array, start: number, end: number, words: Vocabulary): number {
  if (!isValidUtf8(bytes, start, end)) {
    const rank = words.rank(bytes, start, end, hashBytes(bytes, start, end));
    return rank < 0 ? NONE : rank;
  }
  if (end - start === 3) return NONE;
  const rank = words.rank(bytes, start + 3, end, hashBytes(bytes, start + 3, end));
  return rank < 0 ? NONE : rank;
}
