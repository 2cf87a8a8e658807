/**
 * The simulated `POST /v1/audio/speech`: OpenAI's body in, real audio out (a WAV file, or raw
 * 16-bit samples for `pcm`), after the model's latency and faults like every other endpoint.
 * Compressed formats (mp3, opus, aac, flac) are answered 400, naming the two it produces.
 */
import { SPEECH_CONTENT_TYPES, SPEECH_FORMATS } from '../canonical/speech';
import { isRecord } from './dialect';
import { Exchange } from './exchange';
import { drawFault } from './faults';
import { openaiDialect } from './openai-format';
import { receive, survivesFault, type ModelRequest, type SimulatorContext } from './serve-model';
import { encodeWav, pcmBytes, synthesiseSpeech } from './speech-audio';

/** What the simulator can encode. */
export const SIMULATED_SPEECH_FORMATS = ['wav', 'pcm'] as const;

type Parsed = { ok: true; model: string; input: string; voice: string; format: 'wav' | 'pcm'; speed: number } | { ok: false; message: string; param: string };

export async function serveSpeech(context: SimulatorContext, incoming: ModelRequest): Promise<void> {
  const exchange = new Exchange(incoming.request, incoming.response, context.stats);
  const body = await receive(context, openaiDialect, exchange, incoming);
  if (body === undefined) return;
  const call = parseSpeech(body);
  if (!call.ok) return exchange.reject(400, openaiDialect.errorBody(400, call.message, call.param));
  exchange.identify(call.model);
  const behaviour = context.behaviours.resolve(call.model);
  const fault = drawFault(behaviour, context.random, false);
  if (!(await survivesFault(context, openaiDialect, exchange, behaviour, fault))) return;
  if (fault.kind === 'malformed-json' || fault.kind === 'wrong-shape') {
    // Audio's own corruption: a file cut short in its header.
    return exchange.replyBinary(Buffer.from('RIFF\0\0'), SPEECH_CONTENT_TYPES[call.format], 0);
  }
  const samples = synthesiseSpeech(call.input, call.voice, call.speed);
  const audio = call.format === 'wav' ? encodeWav(samples) : pcmBytes(samples);
  exchange.replyBinary(audio, SPEECH_CONTENT_TYPES[call.format], [...call.input].length);
}

function parseSpeech(body: unknown): Parsed {
  if (!isRecord(body)) return { ok: false, message: 'The body must be a JSON object.', param: '' };
  const { model, input, voice, response_format: format = 'mp3', speed = 1 } = body;
  if (typeof model !== 'string' || model === '') return { ok: false, message: "'model' must be a non-empty string.", param: 'model' };
  if (typeof input !== 'string' || input === '') return { ok: false, message: "'input' must be a non-empty string.", param: 'input' };
  if (typeof voice !== 'string' || voice === '') return { ok: false, message: "'voice' must be a non-empty string.", param: 'voice' };
  if (typeof speed !== 'number' || !(speed >= 0.25 && speed <= 4)) return { ok: false, message: "'speed' must be a number from 0.25 to 4.", param: 'speed' };
  if (format !== 'wav' && format !== 'pcm') {
    const known = typeof format === 'string' && (SPEECH_FORMATS as readonly string[]).includes(format);
    const what = known ? `'${format}' audio cannot be produced here` : `'response_format' must be one of ${SPEECH_FORMATS.join(', ')}`;
    return { ok: false, message: `${what}: this server produces wav and pcm.`, param: 'response_format' };
  }
  return { ok: true, model, input, voice, format, speed };
}
