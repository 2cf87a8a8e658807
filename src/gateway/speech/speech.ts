/**
 * Text to speech, the cache, plan, execute and fallback stages: the language settled (the
 * caller's hint, else a guess from the text), a common phrase served from the phrase cache,
 * else the speech plan tried in order, each deployment with its own voice; retries and fallback
 * on 5xx, timeouts and broken audio as for chat. Cost is characters × the deployment's input
 * price per 1M (speech is priced per character).
 */
import { SPEECH_CONTENT_TYPES, speechCharacters, type SpeechFormat, type SpeechRequest, type SpeechResponse } from '../../canonical/speech';
import { JunctionError } from '../../errors';
import type { Route, Catalog } from '../../routing/catalog';
import type { RequestNeeds } from '../../routing/needs';
import { detectLanguage, primaryLanguage } from '../../routing/speech-language';
import { planSpeech, type SpeechNeeds, type SpeechPlan } from '../../routing/speech-plan';
import { SPEECH_TIERS, type SpeechTier } from '../../routing/speech-types';
import type { Exchange } from '../context';
import { buildUpstreamRequest, executeOptions } from '../execution/exchange';
import { executePlan, type AttemptContext } from '../execution/executor';
import { finalError } from '../fallback/last-resort';
import { HINT_HEADERS, strategyRequest, type RoutingHints } from '../routing-hints';
import { livePlanInput } from '../planning';
import type { GatewayServices } from '../services';
import { answerCost } from '../../cache/cache-entry';
import { MAX_PHRASE_CHARS, type PhraseCache } from './phrase-cache';

/** What admission reserves for a speech request: its characters, as input tokens; no output. */
export function speechAdmissionNeeds(request: SpeechRequest): RequestNeeds {
  const characters = speechCharacters(request.input);
  return { capabilities: ['speech'], estimatedInputTokens: characters, maxOutputTokens: 0, inputTokenBound: characters };
}

export async function answerSpeech(services: GatewayServices, phrases: PhraseCache | undefined, exchange: Exchange, needs: RequestNeeds, request: SpeechRequest): Promise<SpeechResponse> {
  const { route, record, context } = exchange;
  const speech = speechNeedsOf(request, route, exchange.catalog, context.hints);
  const headers = (context.responseHeaders ??= {});
  if (speech.language !== undefined) headers['x-junction-language'] = speech.language;

  const query = { input: request.input, voice: request.voice, format: speech.format, speed: request.speed ?? 1, language: speech.language, instructions: request.instructions };
  if (phrases !== undefined && route.cache !== undefined && speech.characters <= MAX_PHRASE_CHARS) {
    const found = phrases.lookup(exchange, query);
    const hit = found instanceof Promise ? await found : found;
    if (hit !== undefined) {
      record.cacheHit = { kind: 'exact', costSavedUsd: hit.costSavedUsd };
      record.model = hit.response.model;
      record.markFirstByte();
      headers['x-junction-voice'] = hit.response.voice;
      return hit.response;
    }
  }

  const plan = planFor(services, exchange, speech);
  try {
    const result = await executePlan(executeOptions(services, exchange, plan, needs, (attempt) => fetchSpeech(services, attempt, request, plan, speech)));
    record.noteResult(result.candidate.tier, result.hedge);
    record.usage = result.value.usage;
    headers['x-junction-voice'] = result.value.voice;
    phrases?.store(exchange, result.value, answerCost(exchange));
    return result.value;
  } catch (error) {
    throw finalError(route, error);
  }
}

/** The plan stage for speech: as planExchange does for chat, with the speech planner. */
function planFor(services: GatewayServices, exchange: Exchange, speech: SpeechNeeds): SpeechPlan {
  const { route, runtime, record, context } = exchange;
  runtime.budget.deposit();
  const plan = planSpeech({
    ...livePlanInput(services, route, runtime.strategyState, context.hints),
    catalog: exchange.catalog,
    speech,
    request: strategyRequest(speech.characters, 0, context.hints, undefined, undefined, route),
  });
  record.decisionReason = plan.reason;
  record.strategy = plan.strategy;
  return plan;
}

/** One attempt: the deployment's voice, the upstream's audio checked, its characters reported. */
async function fetchSpeech(services: GatewayServices, attempt: AttemptContext, request: SpeechRequest, plan: SpeechPlan, speech: SpeechNeeds): Promise<SpeechResponse> {
  const { provider, deployment } = attempt.candidate;
  const target = { provider, deployment };
  const adapter = services.adapterFor(provider);
  const voice = plan.voices.get(deployment.id) ?? request.voice;
  const upstreamRequest = buildUpstreamRequest(adapter, target, (candidate) => {
    if (candidate.speechRequest === undefined) throw new JunctionError('capability_unsupported', `provider kind ${provider.kind} has no speech API`);
    return candidate.speechRequest(request, target, voice, speech.format);
  });
  const upstream = await services.client.sendBuffered(provider, upstreamRequest, attempt.cancel, () => attempt.firstByte());
  if (upstream.status < 200 || upstream.status >= 300) throw adapter.parseError(upstream.status, upstream.body.toString('utf8'), upstream.headers());
  const declared = upstream.headers()['content-type'];
  const contentType = typeof declared === 'string' ? declared : undefined;
  checkAudio(upstream.body, contentType, speech.format, provider.id);
  const usage = { inputTokens: speech.characters, outputTokens: 0 };
  attempt.reportUsage(usage);
  if (!attempt.claim()) throw new JunctionError('attempt_cancelled', 'another hedged attempt answered first');
  const response: SpeechResponse = {
    audio: upstream.body,
    contentType: contentType?.startsWith('audio/') ? contentType : SPEECH_CONTENT_TYPES[speech.format],
    format: speech.format,
    model: deployment.model,
    voice,
    usage,
  };
  if (speech.language !== undefined) response.language = speech.language;
  return response;
}

/**
 * Audio worth passing on: not a JSON error body under a 200, not empty, and a WAV file that at
 * least has its header. Anything else is the upstream's fault, and another deployment may do.
 */
function checkAudio(body: Buffer, contentType: string | undefined, format: SpeechFormat, provider: string): void {
  const broken = (why: string) => new JunctionError('upstream_bad_response', `provider ${provider} answered 2xx with ${why}`);
  if (contentType?.includes('json')) throw broken('JSON instead of audio');
  if (body.length === 0) throw broken('no audio');
  if (format === 'wav' && (body.length < 44 || body.toString('ascii', 0, 4) !== 'RIFF' || body.toString('ascii', 8, 12) !== 'WAVE')) throw broken('a WAV file without a valid header');
}

/** What the caller asked for, settled: format, language, tier and latency need. */
export function speechNeedsOf(request: SpeechRequest, route: Route, catalog: Catalog, hints: RoutingHints | undefined): SpeechNeeds {
  const speech: SpeechNeeds = {
    voice: request.voice,
    format: request.format ?? defaultSpeechFormat(route, catalog),
    realtime: realtimeOf(hints?.latency),
    characters: speechCharacters(request.input),
  };
  const language = languageOf(request, hints);
  if (language !== undefined) speech.language = language;
  const tier = tierOf(hints?.speechTier);
  if (tier !== undefined) speech.tier = tier;
  return speech;
}

/**
 * OpenAI's default is mp3; a route none of whose deployments produce mp3 answers wav instead
 * (the caller can always ask for a format by name).
 */
export function defaultSpeechFormat(route: Route, catalog: Catalog): SpeechFormat {
  const formats = route.tiers.flatMap((tier) => tier.deployments).flatMap((id) => catalog.deployments.get(id)?.speech?.formats ?? []);
  return formats.length === 0 || formats.includes('mp3') ? 'mp3' : formats.includes('wav') ? 'wav' : formats[0]!;
}

function languageOf(request: SpeechRequest, hints: RoutingHints | undefined): string | undefined {
  const given = hints?.language ?? request.language;
  if (given !== undefined) {
    if (!/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?$/.test(given)) {
      const where = hints?.language !== undefined ? HINT_HEADERS.language : 'language';
      throw new JunctionError('invalid_request', `${where}: expected a language code such as en, fr or pt-BR, got '${given.slice(0, 40)}'`, { param: where });
    }
    return primaryLanguage(given);
  }
  return detectLanguage(request.input)?.language;
}

function realtimeOf(latency: string | undefined): boolean {
  if (latency === undefined) return false;
  const value = latency.toLowerCase();
  if (value === 'realtime' || value === 'normal') return value === 'realtime';
  throw new JunctionError('invalid_request', `${HINT_HEADERS.latency}: expected realtime or normal, got '${latency.slice(0, 40)}'`, { param: HINT_HEADERS.latency });
}

function tierOf(tier: string | undefined): SpeechTier | undefined {
  if (tier === undefined) return undefined;
  const value = tier.toLowerCase();
  if ((SPEECH_TIERS as readonly string[]).includes(value)) return value as SpeechTier;
  throw new JunctionError('invalid_request', `${HINT_HEADERS.speechTier}: expected ${SPEECH_TIERS.join(' or ')}, got '${tier.slice(0, 40)}'`, { param: HINT_HEADERS.speechTier });
}
