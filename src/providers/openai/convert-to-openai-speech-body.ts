/**
 * A canonical speech request → OpenAI's `POST /audio/speech` body, for one deployment: its
 * upstream model, and the voice the plan chose for it (the caller's, or a fallback).
 */
import type { SpeechFormat, SpeechRequest } from '../../canonical/speech';

export interface OpenAISpeechBody {
  model: string;
  input: string;
  voice: string;
  response_format: SpeechFormat;
  speed?: number;
  instructions?: string;
}

export function convertToOpenAISpeechBody(request: SpeechRequest, model: string, voice: string, format: SpeechFormat): OpenAISpeechBody {
  const body: OpenAISpeechBody = { model, input: request.input, voice, response_format: format };
  if (request.speed !== undefined && request.speed !== 1) body.speed = request.speed;
  if (request.instructions !== undefined) body.instructions = request.instructions;
  return body;
}
