/**
 * A small language guesser for text to speech, pure and fast: the writing system decides for
 * scripts that belong to one language (kana, hangul, Greek …), and for Latin script the most
 * frequent function words decide among the languages voices most often cover. It only has to
 * keep a French sentence from a voice that speaks only English; a text too short or too mixed
 * to tell gets no guess, and then no deployment is ruled out for its language.
 */

export interface DetectedLanguage {
  /** ISO 639-1 code. */
  language: string;
  /** How it was told: by the writing system, or by common words. */
  by: 'script' | 'words';
}

/** Characters looked at: enough for a sentence or two, and the cost stays flat for long input. */
const SAMPLE_CHARS = 600;

/** Scripts written by one language for practical purposes, checked in this order. */
const SCRIPTS: ReadonlyArray<{ language: string; test: RegExp }> = [
  { language: 'ja', test: /[\u3040-\u30ff]/ },
  { language: 'ko', test: /[\uac00-\ud7af\u1100-\u11ff]/ },
  { language: 'zh', test: /[\u4e00-\u9fff]/ },
  { language: 'uk', test: /[іїєґІЇЄҐ]/ },
  { language: 'ru', test: /[\u0400-\u04ff]/ },
  { language: 'el', test: /[\u0370-\u03ff]/ },
  { language: 'he', test: /[\u0590-\u05ff]/ },
  { language: 'ar', test: /[\u0600-\u06ff]/ },
  { language: 'hi', test: /[\u0900-\u097f]/ },
  { language: 'th', test: /[\u0e00-\u0e7f]/ },
];

/** Frequent short words, each listed under one language only (words shared by several tell nothing). */
const FUNCTION_WORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'are', 'you', 'your', 'of', 'to', 'this', 'that', 'with', 'for', 'have', 'will', 'be', 'it', 'was', 'not', 'please', 'thank', 'hello', 'we', 'our', 'my', 'what', 'how', 'from'],
  fr: ['le', 'les', 'est', 'et', 'vous', 'votre', 'des', 'une', 'du', 'pour', 'avec', 'dans', 'nous', 'sont', 'pas', 'bonjour', 'merci', 'je', 'ce', 'cette', 'au', 'aux', 'qui', 'sur'],
  es: ['el', 'los', 'las', 'es', 'y', 'usted', 'su', 'una', 'del', 'para', 'con', 'por', 'nosotros', 'son', 'hola', 'gracias', 'yo', 'esta', 'este', 'muy', 'pero', 'como', 'lo', 'al'],
  de: ['der', 'die', 'das', 'und', 'ist', 'sie', 'ihr', 'ein', 'eine', 'nicht', 'mit', 'für', 'wir', 'sind', 'ich', 'danke', 'hallo', 'bitte', 'auf', 'zu', 'den', 'dem', 'auch', 'wie'],
  it: ['il', 'gli', 'è', 'lei', 'suo', 'della', 'per', 'con', 'che', 'non', 'sono', 'noi', 'ciao', 'grazie', 'io', 'questo', 'questa', 'molto', 'anche', 'come', 'del', 'alla'],
  pt: ['os', 'as', 'é', 'você', 'seu', 'uma', 'do', 'da', 'para', 'com', 'não', 'nós', 'são', 'olá', 'obrigado', 'obrigada', 'eu', 'isso', 'muito', 'mas', 'em', 'ao'],
  nl: ['het', 'een', 'is', 'jij', 'u', 'uw', 'van', 'voor', 'met', 'niet', 'wij', 'zijn', 'ik', 'dank', 'hallo', 'alstublieft', 'ook', 'op', 'dat', 'maar'],
};

/** Letters only one of these languages uses. */
const LETTERS: ReadonlyArray<{ language: string; test: RegExp }> = [
  { language: 'es', test: /[ñ¿¡]/i },
  { language: 'de', test: /[ßäöü]/i },
  { language: 'fr', test: /[çœèêëîïûù]/i },
  { language: 'pt', test: /[ãõ]/i },
];

const WORD_LANGUAGE = buildWordIndex();

function buildWordIndex(): Map<string, string> {
  const seen = new Map<string, string | null>();
  for (const [language, words] of Object.entries(FUNCTION_WORDS)) {
    for (const word of words) seen.set(word, seen.has(word) && seen.get(word) !== language ? null : language);
  }
  const index = new Map<string, string>();
  for (const [word, language] of seen) if (language !== null) index.set(word, language);
  return index;
}

/** The language `text` is most likely in, or undefined when it cannot be told. */
export function detectLanguage(text: string): DetectedLanguage | undefined {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  for (const script of SCRIPTS) if (script.test.test(sample)) return { language: script.language, by: 'script' };
  const scores = new Map<string, number>();
  for (const word of sample.toLowerCase().split(/[^\p{L}']+/u)) {
    const language = WORD_LANGUAGE.get(word);
    if (language !== undefined) scores.set(language, (scores.get(language) ?? 0) + 2);
  }
  for (const letters of LETTERS) if (letters.test.test(sample)) scores.set(letters.language, (scores.get(letters.language) ?? 0) + 1);
  let best: string | undefined;
  let bestScore = 0;
  let runnerUp = 0;
  for (const [language, score] of scores) {
    if (score > bestScore) {
      runnerUp = bestScore;
      best = language;
      bestScore = score;
    } else if (score > runnerUp) runnerUp = score;
  }
  // A tie is no answer: better no filter than the wrong one.
  return best === undefined || bestScore === runnerUp ? undefined : { language: best, by: 'words' };
}

/** `en-GB`, `EN` → `en`: voices are matched on the primary language subtag. */
export function primaryLanguage(code: string): string {
  const dash = code.indexOf('-');
  return (dash < 0 ? code : code.slice(0, dash)).toLowerCase();
}
