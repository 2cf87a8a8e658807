/**
 * How deeply a JSON body nests, found without parsing it. A caller can send 5,000 nested arrays
 * in a few kilobytes; JSON.parse copes, but every later step that walks the value (the request
 * checks, zod explaining a refusal, the converters building the upstream request) recurses, and
 * at that depth runs out of stack. Refusing such bodies before they are parsed is cheaper than
 * guarding each of those walks.
 */
import { BACKSLASH, CLOSE_BRACE, CLOSE_BRACKET, OPEN_BRACE, OPEN_BRACKET, QUOTE } from './json-codes';

/**
 * The deepest nesting of arrays and objects a request body may have. Real requests need a
 * handful of levels plus their tool schemas' own nesting (two levels per nested object
 * property); 128 leaves room for any schema a provider accepts and keeps every recursive walk
 * of the value shallow.
 */
export const MAX_JSON_DEPTH = 128;

/** Strings longer than this are skipped with a native search for their closing quote. */
const SHORT_STRING = 64;

/**
 * Whether the JSON text in `bytes` (UTF-8) opens more than `limit` arrays or objects inside one
 * another. One pass that skips over strings: UTF-8 continuation bytes are never ASCII, so a
 * quote, bracket or brace byte is always that character. Malformed JSON is not reported here
 * (an unterminated string just ends the scan); JSON.parse says what is wrong with it.
 */
export function nestsDeeperThan(bytes: Uint8Array, limit: number): boolean {
  const length = bytes.length;
  let depth = 0;
  for (let index = 0; index < length; index += 1) {
    const byte = bytes[index];
    if (byte === QUOTE) {
      index = closingQuote(bytes, index);
      if (index < 0) return false;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
  return false;
}

/** Index of the quote that closes the string opening at `start`, or -1 when none does. */
function closingQuote(bytes: Uint8Array, start: number): number {
  const length = bytes.length;
  // Keys and short values: a plain loop beats the cost of a native call.
  const shortEnd = Math.min(length, start + SHORT_STRING);
  let index = start + 1;
  for (; index < shortEnd; index += 1) {
    const byte = bytes[index];
    if (byte === BACKSLASH) index += 1;
    else if (byte === QUOTE) return index;
  }
  if (index >= length) return -1;
  // Long text (message content): find each quote natively, and keep the first one not escaped,
  // that is, preceded by an even number of backslashes. The escape that `index` may have just
  // stepped over is looked at again from `index - 1`.
  let quote = index - 1;
  for (;;) {
    quote = bytes.indexOf(QUOTE, quote + 1);
    if (quote < 0) return -1;
    let backslash = quote - 1;
    while (backslash > start && bytes[backslash] === BACKSLASH) backslash -= 1;
    if ((quote - 1 - backslash) % 2 === 0) return quote;
  }
}
