/**
 * Text to speech in Junction's own terms: what a caller asks for (OpenAI's `/v1/audio/speech`
 * body, decoded) and the audio that comes back, whichever deployment spoke it.
 */
import type { Usage } from './types';

/** The audio containers and encodings of OpenAI's speech API. */
export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

/** The longest input OpenAI's speech API takes, in characters. */
export const MAX_SPEECH_INPUT_CHARS = 4_096;

export interface SpeechRequest {
  /** The public model name: a route name. */
  model: string;
  /** The text to speak. */
  input: string;
  /** The voice the caller asked for; the route may serve a fallback voice where a deployment lacks it. */
  voice: string;
  /** Absent: the route's default (see `defaultSpeechFormat`). */
  format?: SpeechFormat;
  /** 0.25 to 4; absent means 1. */
  speed?: number;
  /** How to speak (tone, accent), for models that take instructions. */
  instructions?: string;
  /** A language hint (ISO 639-1, e.g. `en`, `fr`), from the body or `x-junction-language`. */
  language?: string;
}

export interface SpeechResponse {
  audio: Buffer;
  /** The MIME type to answer with. */
  contentType: string;
  format: SpeechFormat;
  /** The upstream model that spoke. */
  model: string;
  /** The voice actually used (a fallback when the requested one was not available). */
  voice: string;
  /** The language the request was routed for, when known. */
  language?: string;
  /** Characters spoken, counted as input tokens: speech is priced per character. */
  usage: Usage;
}

/** The MIME type each format is served with, when the upstream does not say. */
export const SPEECH_CONTENT_TYPES: Record<SpeechFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

/** Characters as the price list counts them: Unicode code points, not UTF-16 units. */
export function speechCharacters(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index++;
    }
    count++;
  }
  return count;
}
