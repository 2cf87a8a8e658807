/**
 * Planning a text-to-speech request. Pure: the catalog, the request's language, voice, format,
 * tier and latency need, live health and the route's strategy in; an ordered attempt plan, and
 * the voice each deployment is to speak with, out.
 *
 * A deployment is adequate when it speaks the language (or any: `*`), produces the format,
 * reaches the tier, and offers the voice or one of the route's fallbacks for it, in order. The
 * adequate ones are planned as any route is (tiers, health, breakers, the route's strategy);
 * within a tier, deployments with the voice asked for go before those with a fallback voice. A
 * real-time request (`x-junction-latency: realtime`) is ordered fastest first over every tier:
 * by observed latency once there are enough samples, else by the deployment's configured latency.
 */
import type { SpeechFormat } from '../canonical/speech';
import { JunctionError } from '../errors';
import type { Deployment, Route } from './catalog';
import type { HealthSnapshot } from './health';
import { planRoute, type AttemptPlan, type Exclusion, type PlanInput, type PlannedAttempt } from './plan';
import { SPEECH_TIERS, type SpeechTier } from './speech-types';

export interface SpeechNeeds {
  voice: string;
  format: SpeechFormat;
  /** ISO 639-1; absent: unknown, and no deployment is ruled out for its language. */
  language?: string;
  /** The lowest tier that will do; absent: the route's default, else any. */
  tier?: SpeechTier;
  /** Fastest adequate deployment first. */
  realtime: boolean;
  /** Characters to speak (deployments' `contextWindow` bounds them). */
  characters: number;
}

export interface SpeechPlan extends AttemptPlan {
  /** The voice each planned deployment speaks with: the one asked for, or its fallback. */
  voices: ReadonlyMap<string, string>;
}

export type SpeechPlanInput = Omit<PlanInput, 'needs'> & { speech: SpeechNeeds };

export function planSpeech(input: SpeechPlanInput): SpeechPlan {
  const { route, catalog, speech } = input;
  const tier = speech.tier ?? route.speech?.tier;
  const fallbacks = route.speech?.voiceFallbacks[speech.voice] ?? [];
  const voices = new Map<string, string>();
  const excluded: Exclusion[] = [];
  const tiers = route.tiers.map((routeTier) => ({
    name: routeTier.name,
    deployments: routeTier.deployments.filter((id) => {
      const deployment = catalog.deployments.get(id);
      // Left in: the general planner says it is not in the catalog.
      if (deployment === undefined) return true;
      const verdict = judge(deployment, speech, tier, fallbacks);
      if (typeof verdict === 'object') {
        excluded.push({ deployment: id, tier: routeTier.name, reason: verdict.unfit });
        return false;
      }
      voices.set(id, verdict);
      return true;
    }),
  }));
  if (voices.size === 0) throw noAdequateDeployment(route, catalog.deployments, speech, tier, excluded);

  const adequate: Route = { ...route, tiers, deployments: tiers[0]!.deployments };
  const plan = planRoute({ ...input, route: adequate, needs: { capabilities: ['speech'], estimatedInputTokens: speech.characters } });
  const latency = (attempt: PlannedAttempt) => expectedLatency(attempt, input.health(attempt.deployment.id));
  const exact = (attempt: PlannedAttempt) => (voices.get(attempt.deployment.id) === speech.voice ? 0 : 1);
  const healthy = plan.attempts.filter((attempt) => attempt.tier !== 'last-resort');
  const lastResort = plan.attempts.filter((attempt) => attempt.tier === 'last-resort');
  // Array.prototype.sort is stable: ties keep the strategy's order.
  if (speech.realtime) healthy.sort((a, b) => latency(a) - latency(b) || exact(a) - exact(b));
  else healthy.sort((a, b) => tierIndex(route, a) - tierIndex(route, b) || exact(a) - exact(b));
  const attempts = [...healthy, ...lastResort];
  return {
    ...plan,
    attempts,
    excluded: [...excluded, ...plan.excluded],
    reason: `${describeNeeds(speech, tier, attempts, voices, latency)}; ${plan.reason}`,
    voices,
  };
}

/** The voice `deployment` would speak with, or why it cannot serve the request. */
function judge(deployment: Deployment, speech: SpeechNeeds, tier: SpeechTier | undefined, fallbacks: string[]): string | { unfit: string } {
  const profile = deployment.speech;
  if (profile === undefined) return { unfit: 'not a speech deployment' };
  if (speech.language !== undefined && !profile.languages.includes('*') && !profile.languages.includes(speech.language)) {
    return { unfit: `does not speak ${speech.language} (speaks ${profile.languages.join(', ')})` };
  }
  if (!profile.formats.includes(speech.format)) return { unfit: `cannot produce ${speech.format} (produces ${profile.formats.join(', ')})` };
  if (tier !== undefined && SPEECH_TIERS.indexOf(profile.tier) < SPEECH_TIERS.indexOf(tier)) return { unfit: `tier ${profile.tier} is below ${tier}` };
  if (profile.voices.includes(speech.voice)) return speech.voice;
  const fallback = fallbacks.find((voice) => profile.voices.includes(voice));
  if (fallback !== undefined) return fallback;
  return { unfit: `has no voice ${speech.voice}${fallbacks.length > 0 ? ` nor its fallbacks ${fallbacks.join(', ')}` : ''}` };
}

/**
 * Observed samples a deployment needs before they outrank its configured latency: one slow
 * first request (a cold connection) must not send real-time traffic elsewhere for good, since
 * a deployment that gets no traffic gets no new samples either.
 */
export const REALTIME_MIN_SAMPLES = 5;

function expectedLatency(attempt: PlannedAttempt, health: HealthSnapshot): number {
  if (health.latencyMs !== undefined && health.windowRequests >= REALTIME_MIN_SAMPLES) return health.latencyMs;
  return attempt.deployment.speech?.latencyMs ?? Number.MAX_SAFE_INTEGER;
}

function tierIndex(route: Route, attempt: PlannedAttempt): number {
  return route.tiers.findIndex((tier) => tier.name === attempt.tier);
}

function describeNeeds(
  speech: SpeechNeeds,
  tier: SpeechTier | undefined,
  attempts: PlannedAttempt[],
  voices: ReadonlyMap<string, string>,
  latency: (attempt: PlannedAttempt) => number,
): string {
  const parts = [`speech: language ${speech.language ?? 'unknown'}`, `voice ${speech.voice}`, `format ${speech.format}`];
  if (tier !== undefined) parts.push(`tier ≥ ${tier}`);
  const substitutes = attempts.filter((attempt) => voices.get(attempt.deployment.id) !== speech.voice).map((attempt) => `${attempt.deployment.id} speaks ${voices.get(attempt.deployment.id)}`);
  if (substitutes.length > 0) parts.push(`fallback voices: ${substitutes.join(', ')}`);
  if (speech.realtime) parts.push(`realtime, fastest first: ${attempts.map((attempt) => `${attempt.deployment.id} ~${Math.round(latency(attempt))} ms`).join(', ')}`);
  return parts.join(', ');
}

/** No deployment can speak this: a 400 that says why, naming the formats when the format is what failed. */
function noAdequateDeployment(route: Route, deployments: ReadonlyMap<string, Deployment>, speech: SpeechNeeds, tier: SpeechTier | undefined, excluded: Exclusion[]): JunctionError {
  const profiles = route.tiers.flatMap((routeTier) => routeTier.deployments).flatMap((id) => deployments.get(id)?.speech ?? []);
  const formats = [...new Set(profiles.flatMap((profile) => profile.formats))];
  if (profiles.length > 0 && !formats.includes(speech.format)) {
    return new JunctionError('audio_format_unsupported', `The model '${route.name}' cannot produce ${speech.format} audio; it serves ${joinAnd(formats)}`, { param: 'response_format' });
  }
  const why = excluded.map((exclusion) => `${exclusion.deployment} ${exclusion.reason}`).join('; ');
  const asked = `language ${speech.language ?? 'unknown'}, voice ${speech.voice}${tier === undefined ? '' : `, tier ${tier}`}`;
  return new JunctionError('capability_unsupported', `No deployment of '${route.name}' can speak this request (${asked}): ${why || 'it has no speech deployments'}`, { details: { excluded } });
}

/** `a`, `a and b`, `a, b and c`. */
export function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
