/**
 * What the catalog knows about text-to-speech deployments and routes, after config validation.
 * Plain data: the speech planner (speech-plan.ts) reads it, nothing else interprets it.
 */
import type { SpeechFormat } from '../canonical/speech';

/** Quality tiers, lowest first: a request for `hd` is served only by `hd` voices. */
export const SPEECH_TIERS = ['standard', 'hd'] as const;
export type SpeechTier = (typeof SPEECH_TIERS)[number];

/** A speech deployment's coverage and character. */
export interface SpeechProfile {
  /** ISO 639-1 codes it speaks well (`en`, `fr`), or `*` for any language. */
  languages: string[];
  /** Voice names it offers, as the upstream knows them. */
  voices: string[];
  tier: SpeechTier;
  /** Typical time until the whole audio has arrived for a short phrase (ms): orders real-time requests until live figures exist. */
  latencyMs: number;
  /** Audio formats the upstream can produce. */
  formats: SpeechFormat[];
}

/** A route's `speech` section. */
export interface RouteSpeechPolicy {
  /** For each requested voice, the voices to use, in order, on a deployment that lacks it. */
  voiceFallbacks: Record<string, string[]>;
  /** The tier served when the request does not ask (`x-junction-speech-tier`); absent: any. */
  tier?: SpeechTier;
}
