/**
 * Most chunks of a streamed answer are one chunk over and over with another piece of text in
 * it. A template learnt from one such chunk recognises the next ones by their unchanged text
 * before and after that piece, and reads the piece alone: one short string instead of parsing
 * and checking the whole chunk, which is most of what a stream costs the gateway.
 *
 * Exact, not a guess: a chunk that matches is the learnt chunk with another string literal in
 * one place, so it is valid JSON of the same shape and decodes to the same events but for the
 * text. The place is proven when learning, by parsing the chunk with a sentinel there.
 */
import { hasPrefix, isOneStringLiteral, stringValueSpan } from '../wire/json-scan';

/** A stream that keeps changing elsewhere too (a per-chunk nonce, say) stops trying after this many lessons. */
const MAX_LESSONS = 4;

const SENTINEL = '\u0000junction-text\u0000';

export class TextChunkTemplate {
  private prefix: string | undefined;
  private suffix = '';
  private lessons = 0;

  constructor(
    /** Where the text is: the key whose string value it is, and how deep (see `stringValueSpan`). */
    private readonly key: string,
    private readonly depth: number,
    /** Reads the text out of a parsed chunk. */
    private readonly textOf: (chunk: unknown) => unknown,
  ) {}

  /** The text of a chunk that is the learnt one with another non-empty string in its place; otherwise undefined. */
  match(data: string): string | undefined {
    const { prefix, suffix } = this;
    // More than two characters between the two: `""`, the one empty string, is left to the full parse.
    if (prefix === undefined || data.length <= prefix.length + suffix.length + 2) return undefined;
    if (!hasPrefix(data, prefix) || !data.endsWith(suffix)) return undefined;
    const literal = data.slice(prefix.length, data.length - suffix.length);
    if (!isOneStringLiteral(literal)) return undefined;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return undefined;
    }
  }

  /**
   * Learn from a chunk that decoded to its text alone and nothing else (no finish, usage or
   * tool call), so that every chunk matching it decodes to its own text alone.
   */
  learn(data: string): void {
    if (this.lessons >= MAX_LESSONS) return;
    this.lessons += 1;
    const span = stringValueSpan(data, this.key, this.depth);
    if (span === undefined) return;
    const prefix = data.slice(0, span.start);
    const suffix = data.slice(span.end);
    try {
      if (this.textOf(JSON.parse(`${prefix}${JSON.stringify(SENTINEL)}${suffix}`)) !== SENTINEL) return;
    } catch {
      return;
    }
    this.prefix = prefix;
    this.suffix = suffix;
  }
}
