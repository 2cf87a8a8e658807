/**
 * The text-to-speech parts of the config: a deployment's `speech` section (which languages and
 * voices it covers, its quality tier, how fast it usually answers, the formats it produces) and
 * a route's (fallback voices, the tier it serves by default).
 */
import { z } from 'zod';
import { SPEECH_FORMATS } from '../canonical/speech';
import { SPEECH_TIERS } from '../routing/speech-types';
import { nonEmptyString, positiveInteger } from './schema-helpers';

/** An ISO 639-1 code (two letters, optionally with a region such as `en-GB`), or `*`. */
const languageCode = () =>
  z
    .string()
    .regex(/^(\*|[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})?)$/, { message: 'expected a language code such as en, fr or pt-BR, or * for any' })
    .transform((code) => (code === '*' ? code : code.slice(0, code.indexOf('-') < 0 ? undefined : code.indexOf('-')).toLowerCase()));

export const deploymentSpeechSchema = z.strictObject({
  languages: z.array(languageCode()).min(1).default(() => ['*']),
  voices: z.array(nonEmptyString()).min(1),
  tier: z.enum(SPEECH_TIERS).default('standard'),
  latencyMs: positiveInteger().default(500),
  formats: z.array(z.enum(SPEECH_FORMATS)).min(1).default(() => [...SPEECH_FORMATS]),
});

export const routeSpeechSchema = z.strictObject({
  voiceFallbacks: z.record(nonEmptyString(), z.array(nonEmptyString()).min(1)).default(() => ({})),
  tier: z.enum(SPEECH_TIERS).optional(),
});
