/**
 * POST /v1/audio/speech: decode OpenAI's speech body, run the gateway, answer with the audio
 * bytes (errors in OpenAI's error shape). The routing headers say which deployment spoke, the
 * voice it spoke with (`x-junction-voice`, a fallback when the one asked for was not there), the
 * language it was routed for, and whether the phrase cache answered.
 */
import type { ServerResponse } from 'node:http';
import { toJunctionError } from '../errors';
import type { RequestContext } from '../gateway/context';
import type { Pipeline } from '../gateway/pipeline';
import { modelOf } from './chat-handler';
import { openaiIngress } from './ingress/formats';
import { decodeOpenAISpeech } from './ingress/openai/openai-speech';
import { outcomeHeaders, sendError } from './respond';

export function createSpeechHandler(pipeline: Pipeline) {
  return async function handleSpeech(body: unknown, context: RequestContext, response: ServerResponse): Promise<void> {
    let request;
    try {
      request = decodeOpenAISpeech(body);
    } catch (error) {
      pipeline.recordRejected(context, 'speech', modelOf(body), toJunctionError(error));
      return sendError(response, openaiIngress, error, context.requestId, context.responseHeaders);
    }
    try {
      const { response: speech, outcome } = await pipeline.speech(request, context);
      const headers = outcomeHeaders(outcome, context.requestId, context.responseHeaders);
      headers['content-type'] = speech.contentType;
      headers['content-length'] = String(speech.audio.length);
      response.writeHead(200, headers);
      response.end(speech.audio);
    } catch (error) {
      sendError(response, openaiIngress, error, context.requestId, context.responseHeaders);
    }
  };
}
