/**
 * `POST /v1/audio/speech`: OpenAI's speech body → the canonical speech request. Besides
 * OpenAI's fields, an optional `language` (ISO 639-1) tells the router what language the text
 * is in, as the `x-junction-language` header does; other unknown fields are ignored, as the
 * official clients may send newer ones.
 */
import { z } from 'zod';
import { MAX_SPEECH_INPUT_CHARS, SPEECH_FORMATS, speechCharacters, type SpeechRequest } from '../../../canonical/speech';
import { expecting, parseRequestBody } from '../shared/parse-request-body';

export const openAISpeechRequestSchema = z.object({
  model: z.string().min(1),
  input: z
    .string({ error: expecting('the text to speak, as a string') })
    .min(1, { error: 'expected the text to speak, got an empty string' })
    .refine((text) => speechCharacters(text) <= MAX_SPEECH_INPUT_CHARS, { error: `expected at most ${MAX_SPEECH_INPUT_CHARS} characters` }),
  voice: z.string({ error: expecting('a voice name such as alloy') }).min(1),
  response_format: z.enum(SPEECH_FORMATS).nullish(),
  speed: z.number().min(0.25).max(4).nullish(),
  instructions: z.string().max(MAX_SPEECH_INPUT_CHARS).nullish(),
  language: z.string().min(1).max(16).nullish(),
  // Junction answers the audio whole (so it can fall back before the first byte, and cache phrases).
  stream_format: z.literal('audio', { error: 'expected audio: the audio is sent whole, not as server-sent events' }).nullish(),
});

/** A speech request body → canonical request. Throws `invalid_request` naming the field. */
export function decodeOpenAISpeech(body: unknown): SpeechRequest {
  const parsed = parseRequestBody(openAISpeechRequestSchema, body);
  const request: SpeechRequest = { model: parsed.model, input: parsed.input, voice: parsed.voice };
  if (parsed.response_format != null) request.format = parsed.response_format;
  if (parsed.speed != null) request.speed = parsed.speed;
  if (parsed.instructions != null) request.instructions = parsed.instructions;
  if (parsed.language != null) request.language = parsed.language;
  return request;
}
