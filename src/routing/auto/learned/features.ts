import { scoreComplexity, type ComplexityResult, type PromptPattern } from '../complexity';

/**
 * The learned model's view of a prompt: signed, hashed word unigrams and bigrams (what the
 * prompt is about) plus the complexity scorer's dense features (how long and busy it is).
 * Pure and deterministic: no seed, no clock, the same text always gives the same vector.
 *
 * Hashing (FNV-1a, 32 bit) keeps the model a fixed size whatever the vocabulary, and the sign
 * bit makes colliding words cancel on average instead of piling up in one direction.
 */

/** Text past this many characters is not hashed: the instruction is at the start, and hashing is linear. */
export const HASH_SCAN_CHARS = 4_000;

/** A prompt's features: sparse hashed part (bucket → value, L2-normalised) and raw dense part. */
export interface PromptFeatures {
  /** Distinct buckets, ascending. */
  indices: Int32Array;
  values: Float64Array;
  /** Dense features, unstandardised, in `DENSE_FEATURES` order. */
  dense: Float64Array;
  complexity: ComplexityResult;
  /** The prompt's distinct words in the support table (see `supportKeys`). */
  supportKeys: number[];
}

const PATTERNS: readonly PromptPattern[] = ['code', 'math', 'analysis', 'creative', 'extraction', 'simple_question', 'chat'];

/** Names of the dense features, in vector order; the model file stores them to catch drift. */
export const DENSE_FEATURES: readonly string[] = [
  'log_tokens',
  'log_chars',
  'extra_messages',
  'complexity',
  'code_markers',
  'math_markers',
  'question_words',
  'constraints',
  'multi_step_markers',
  'analysis_markers',
  'creative_markers',
  'extraction_markers',
  'list_lines',
  ...PATTERNS.map((pattern) => `pattern_${pattern}`),
  'choices',
  'log_tokens_if_choices',
  'log_tokens_if_math',
  'log_tokens_if_code',
  'log_tokens_if_prose',
];

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over UTF-16 code units: fixed offset basis and prime, so there is nothing to seed. */
export function fnv1a(text: string): number {
  return fnvContinue(FNV_OFFSET, text) >>> 0;
}

/** FNV-1a state after `text`, from `state`: hashing "a" then "b" equals hashing "ab", with no new string. */
function fnvContinue(state: number, text: string): number {
  let hash = state;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash;
}

/** Words in lower case; digit runs fold to one token so that numbers share weight. */
const WORD = /[\p{L}]+|\d+|[^\s\p{L}\d]/gu;

export function words(text: string): string[] {
  const scanned = text.length > HASH_SCAN_CHARS ? text.slice(0, HASH_SCAN_CHARS) : text;
  const found: string[] = [];
  for (const match of scanned.toLowerCase().matchAll(WORD)) {
    const word = match[0];
    found.push(word.charCodeAt(0) >= 48 && word.charCodeAt(0) <= 57 ? '0' : word);
  }
  return found;
}

/** A separator no word contains keeps the bigram "a b" apart from the word "ab". */
const BIGRAM_SEPARATOR = '\u0001';

/**
 * Per-bucket sums, reused between calls (one per bucket count): filling a typed array and
 * clearing only the touched buckets is several times faster than a Map per prompt. Each call
 * leaves it all zero again, so calls stay independent.
 */
const scratch = new Map<number, Float64Array>();

/** Signed hashed unigrams and bigrams over `buckets` (a power of two), L2-normalised. `tokens` defaults to `words(text)`. */
export function hashedGrams(text: string, buckets: number, tokens: readonly string[] = words(text)): { indices: Int32Array; values: Float64Array } {
  const mask = buckets - 1;
  let sums = scratch.get(buckets);
  if (sums === undefined) {
    sums = new Float64Array(buckets);
    scratch.set(buckets, sums);
  }
  const touched: number[] = [];
  const add = (hash: number): void => {
    const bucket = hash & mask;
    if (sums[bucket] === 0) touched.push(bucket);
    sums[bucket] += hash & 0x80000000 ? -1 : 1;
  };
  let previous = 0;
  for (let index = 0; index < tokens.length; index += 1) {
    const word = fnvContinue(FNV_OFFSET, tokens[index]);
    add(word >>> 0);
    // The bigram's hash is FNV-1a of "previous word + separator + word", continued from the previous word's state.
    if (index > 0) add(fnvContinue(fnvContinue(previous, BIGRAM_SEPARATOR), tokens[index]) >>> 0);
    previous = word;
  }
  // A bucket can return to 0 and be touched again: keep each once, and only the non-zero ones.
  const kept = [...new Set(touched)].filter((bucket) => sums[bucket] !== 0).sort((a, b) => a - b);
  const indices = Int32Array.from(kept);
  const values = Float64Array.from(kept, (bucket) => sums[bucket]);
  for (const bucket of touched) sums[bucket] = 0;
  let norm = 0;
  for (const value of values) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < values.length; index += 1) values[index] /= norm;
  return { indices, values };
}

/**
 * Support is judged on whole words in a table far larger than the weight buckets: with 2^14
 * buckets every bucket is shared by many words, so "this bucket was seen" would say nothing
 * about whether the word was. 2^19 bits hold the training vocabulary with few false hits.
 */
export const SUPPORT_BITS = 1 << 19;

/** The prompt's distinct words, as positions in the support table. `tokens` defaults to `words(text)`. */
export function supportKeys(text: string, tokens: readonly string[] = words(text)): number[] {
  return [...new Set(tokens.map((word) => fnv1a(word) & (SUPPORT_BITS - 1)))];
}

export function denseFeatures(text: string, complexity: ComplexityResult): Float64Array {
  const f = complexity.features;
  const log = (value: number): number => Math.log1p(Math.max(0, value));
  // Two or more option lines ("A.", "B)") mark a multiple-choice question.
  const choices = f.listLines >= 2 ? 1 : 0;
  return Float64Array.from([
    log(f.tokens),
    log(text.length),
    log(f.messages - 1),
    complexity.score,
    log(f.codeMarkers),
    log(f.mathMarkers),
    log(f.questionWords),
    log(f.constraints),
    log(f.multiStepMarkers),
    log(f.analysisMarkers),
    log(f.creativeMarkers),
    log(f.extractionMarkers),
    log(f.listLines),
    ...PATTERNS.map((pattern) => (complexity.pattern === pattern ? 1 : 0)),
    // Length means different things in different formats (a long exam question against a long
    // few-shot preamble or a long chat request), and a linear model cannot cross features by
    // itself; these crosses let a model's slopes differ by format.
    choices,
    choices * log(f.tokens),
    complexity.pattern === 'math' ? log(f.tokens) : 0,
    complexity.pattern === 'code' ? log(f.tokens) : 0,
    choices === 0 && complexity.pattern !== 'math' && complexity.pattern !== 'code' ? log(f.tokens) : 0,
  ]);
}

/** `scored`: the prompt's complexity when the caller has it already (auto-routing scores it once a request). */
export function promptFeatures(text: string, messages: number, buckets: number, scored?: ComplexityResult): PromptFeatures {
  const complexity = scored ?? scoreComplexity({ text, messages });
  const tokens = words(text);
  return { ...hashedGrams(text, buckets, tokens), dense: denseFeatures(text, complexity), complexity, supportKeys: supportKeys(text, tokens) };
}
