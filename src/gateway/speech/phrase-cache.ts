/**
 * The speech endpoint's cache stage: common short phrases ("Your call is important to us",
 * "Goodbye!") are spoken once and served again as the same audio. The port the pipeline calls;
 * src/cache/phrase-cache.ts keeps the audio in the response cache's store.
 */
import type { SpeechFormat, SpeechResponse } from '../../canonical/speech';
import type { Exchange } from '../context';

/** Longer texts are not cached: they are rarely said twice, and their audio is large. */
export const MAX_PHRASE_CHARS = 200;

/**
 * What makes two requests the same phrase, whichever deployment speaks it: the text, the voice
 * asked for, the format, speed, language and instructions. (The route and the cache scope's
 * namespace are added by the cache.)
 */
export interface PhraseQuery {
  input: string;
  voice: string;
  format: SpeechFormat;
  speed: number;
  language: string | undefined;
  instructions: string | undefined;
}

/** A phrase served from the cache: the audio, and what it cost when it was first paid for. */
export interface PhraseHit {
  response: SpeechResponse;
  costSavedUsd: number;
}

export interface PhraseCache {
  /** Called only on routes with a `cache` section, for phrases up to MAX_PHRASE_CHARS. */
  lookup(exchange: Exchange, query: PhraseQuery): PhraseHit | undefined | Promise<PhraseHit | undefined>;
  /** After a miss on the same exchange: keep the audio an upstream spoke, and what it cost. */
  store(exchange: Exchange, response: SpeechResponse, costUsd: number): void;
}
